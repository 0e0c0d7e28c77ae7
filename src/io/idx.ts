/**
 * The IDX format (LeCun's MNIST files): `00 00`, a type code, a rank byte, one big-endian uint32
 * per dimension, then the elements big-endian in row-major order. `parseIdx` is a pure, synchronous
 * function of the bytes (no Node APIs, so it runs in a browser); it never throws on any input and
 * always returns a fresh copy, so the result shares no memory with the caller's bytes.
 *
 * Gzip is the reader's job, not the parser's: `readIdxFile` (Node) inflates with node:zlib; in a
 * browser, pipe the response through `new DecompressionStream('gzip')` before calling `parseIdx`.
 * Handed gzip bytes, `parseIdx` returns a `Gzip` error that says so.
 *
 * @example
 * const r = parseIdx(bytes, { source: 't10k-labels-idx1-ubyte' });
 * // Right({ dtype: 'uint8', shape: [10000], data: Uint8Array [7, 2, 1, ...] })
 */
import * as E from 'fp-ts/lib/Either.js';
import { ShapeError } from '../core/index.js';
import { idxError, type IdxError } from './idx-error.js';
import { hostIsLittleEndian, swapBytesInPlace } from './byte-order.js';

/** Element types of IDX, named as in NumPy/PyTorch (0x08 unsigned byte is `uint8`, ...). */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each dtype. */
export interface IdxDataOf {
  readonly uint8: Uint8Array;
  readonly int8: Int8Array;
  readonly int16: Int16Array;
  readonly int32: Int32Array;
  readonly float32: Float32Array;
  readonly float64: Float64Array;
}

/** A parsed IDX array of one dtype: `data.length` is the product of `shape` (row-major). */
export interface IdxArrayOf<D extends IdxDType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: IdxDataOf[D];
}

/** A parsed IDX array; narrowing on `dtype` narrows `data`. */
export type IdxArray = { [D in IdxDType]: IdxArrayOf<D> }[IdxDType];

interface DTypeInfo {
  readonly dtype: IdxDType;
  readonly code: number;
  readonly bytes: number;
  /** Views `count` host-order elements at the start of a fresh buffer. */
  readonly view: (buffer: ArrayBuffer, count: number) => IdxArray['data'];
}

/** The six IDX element types, by type code. */
const idxDTypes: readonly DTypeInfo[] = [
  { dtype: 'uint8', code: 0x08, bytes: 1, view: (b, n) => new Uint8Array(b, 0, n) },
  { dtype: 'int8', code: 0x09, bytes: 1, view: (b, n) => new Int8Array(b, 0, n) },
  { dtype: 'int16', code: 0x0b, bytes: 2, view: (b, n) => new Int16Array(b, 0, n) },
  { dtype: 'int32', code: 0x0c, bytes: 4, view: (b, n) => new Int32Array(b, 0, n) },
  { dtype: 'float32', code: 0x0d, bytes: 4, view: (b, n) => new Float32Array(b, 0, n) },
  { dtype: 'float64', code: 0x0e, bytes: 8, view: (b, n) => new Float64Array(b, 0, n) },
];

export interface ParseIdxOptions {
  /** Names the input in error messages (a file name or URL). */
  readonly source?: string;
}

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;
const byteCount = (n: number): string => (Number.isSafeInteger(n) ? `${n} bytes` : 'more than 2^53 bytes');
const knownCodes = idxDTypes.map((t) => `${hex(t.code)} (${t.dtype})`).join(', ');

/**
 * Parses one IDX file held in memory. Left on anything but an exact, complete IDX array:
 * `Gzip` (compressed input), `Truncated`, `BadMagic`, `UnsupportedType`, `TrailingBytes`.
 */
export const parseIdx = (bytes: Uint8Array, options: ParseIdxOptions = {}): E.Either<IdxError, IdxArray> => {
  const { source } = options;
  const api = source === undefined ? 'parseIdx' : `parseIdx(${source})`;
  const fail = (tag: Parameters<typeof idxError>[0], message: string) => E.left(idxError(tag, `${api}: ${message}`, source));
  const length = bytes.length;
  if (length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return fail('Gzip', "input is gzip-compressed (starts with 1f 8b); inflate it first: readIdxFile does so with node:zlib, in a browser use DecompressionStream('gzip')");
  }
  if (length < 4) return fail('Truncated', `expected at least 4 header bytes (magic 00 00, type code, rank), got ${length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    return fail('BadMagic', `expected the IDX magic bytes 00 00 at offset 0, got ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file)`);
  }
  const info = idxDTypes.find((t) => t.code === bytes[2]);
  if (info === undefined) return fail('UnsupportedType', `expected a type code among ${knownCodes}, got ${hex(bytes[2])}`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (length < headerBytes) return fail('Truncated', `header declares rank ${rank}, which needs ${headerBytes} header bytes, got ${length}`);
  const shape: number[] = [];
  for (let d = 0, o = 4; d < rank; d++, o += 4) {
    shape.push(((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0);
  }
  // A zero dimension empties the array even when the others would overflow to Infinity.
  const count = shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  const declared = `shape [${shape.join(', ')}] of ${info.dtype} needs ${byteCount(expected)} (header ${headerBytes} + data ${byteCount(count * info.bytes)})`;
  if (length < expected) return fail('Truncated', `${declared}, got ${length} bytes`);
  if (length > expected) return fail('TrailingBytes', `${declared}, got ${length} bytes (${length - expected} extra after the data)`);
  // Copy through `set`: `Buffer#slice` would return a view into Node's shared pool.
  const raw = new Uint8Array(count * info.bytes);
  raw.set(bytes.subarray(headerBytes, expected));
  if (info.bytes > 1 && hostIsLittleEndian) swapBytesInPlace(raw, info.bytes);
  return E.right({ dtype: info.dtype, shape, data: info.view(raw.buffer, count) } as IdxArray);
};

/**
 * The inverse of `parseIdx`: header plus big-endian data, ready to write to a file. Throws a
 * ShapeError when `data.length` is not the product of `shape`, or a dimension does not fit the
 * format (rank ≤ 255, each dimension an integer in 0..2^32-1): that is a caller's bug, not data.
 *
 * @example
 * encodeIdx({ dtype: 'uint8', shape: [2], data: new Uint8Array([7, 2]) });
 * // Uint8Array [0, 0, 8, 1, 0, 0, 0, 2, 7, 2]
 */
export const encodeIdx = (array: IdxArray): Uint8Array => {
  const { dtype, shape, data } = array;
  const info = idxDTypes.find((t) => t.dtype === dtype);
  if (info === undefined) throw new ShapeError('encodeIdx', `expected dtype ${idxDTypes.map((t) => t.dtype).join(' | ')}, got ${String(dtype)}`);
  if (shape.length > 255) throw new ShapeError('encodeIdx', `expected rank ≤ 255, got ${shape.length}`);
  const badDim = shape.find((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff);
  if (badDim !== undefined) throw new ShapeError('encodeIdx', `expected dimensions that are integers in 0..2^32-1, got ${badDim} in [${shape.join(', ')}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new ShapeError('encodeIdx', `expected ${count} elements for shape [${shape.join(', ')}], got ${data.length}`);
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  out[2] = info.code;
  out[3] = shape.length;
  const header = new DataView(out.buffer);
  shape.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const body = out.subarray(headerBytes);
  body.set(new Uint8Array(data.buffer, data.byteOffset, count * info.bytes));
  if (info.bytes > 1 && hostIsLittleEndian) swapBytesInPlace(body, info.bytes);
  return out;
};
