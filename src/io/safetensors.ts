/**
 * The safetensors format (Hugging Face; PyTorch's `safetensors.torch.load_file` reads it): an
 * 8-byte little-endian header length N, N bytes of JSON header padded with spaces to a multiple
 * of 8, then the tensors' little-endian bytes back to back. `encodeSafetensors` writes what the
 * reference implementation writes (tensors ordered by dtype, then name); `decodeSafetensors` is a
 * pure function of the bytes that never throws: anything but a complete, consistent file is a
 * `SafetensorsError`, and a Right holds fresh copies that share no memory with the input.
 *
 * @example
 * const bytes = encodeSafetensors([{ name: 'lin_1.bias', shape: [256], data: new Float32Array(256) }]);
 * decodeSafetensors(bytes); // Right({ tensors: [{ name: 'lin_1.bias', dtype: 'F32', shape: [256], data }], metadata: {} })
 */
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { InvalidArgumentError, ShapeError } from '../core/index.js';
import { CHECKSUM_KEY, contentChecksum } from './integrity.js';
import { floatBytes, floatDTypes, isFloatDType, readFloats, safetensorsDTypes, type FloatDType, type WritableDType } from './safetensors-dtype.js';
import { safetensorsError, type SafetensorsError } from './safetensors-error.js';
import { checkLayout, safetensorsHeaderCodec, type HeaderEntry, type SafetensorsHeader } from './safetensors-header.js';

/** The reference implementation refuses headers above 100 MB; so does purenet (no giant allocation from 8 lying bytes). */
export const MAX_HEADER_BYTES = 100_000_000;

/** A tensor as stored: row-major `data` of `shape`. F16 and BF16 data arrive widened to float32. */
export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: FloatDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

export interface Safetensors {
  /** In data order (the order the file stores them). */
  readonly tensors: readonly SafetensorsTensor[];
  /** The header's `__metadata__` (string → string), `{}` when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A tensor to write; its dtype follows its array (Float32Array → F32, Float64Array → F64). */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

export interface EncodeSafetensorsOptions {
  readonly metadata?: Readonly<Record<string, string>>;
  /** Store a CRC-32 of the contents under `purenet.crc32` (checked by `decodeSafetensors`). Default false. */
  readonly checksum?: boolean;
}

export interface DecodeSafetensorsOptions {
  /** Names the input in error messages (a file name). */
  readonly source?: string;
}

const dtypeRank = (dtype: WritableDType): number => safetensorsDTypes.indexOf(dtype);
const dtypeOf = (data: Float32Array | Float64Array): WritableDType => (data instanceof Float64Array ? 'F64' : 'F32');
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const checkTensor = (t: TensorToWrite, seen: Set<string>): void => {
  if (typeof t.name !== 'string' || t.name === '__metadata__') throw new InvalidArgumentError('encodeSafetensors', `expected a tensor name other than '__metadata__', got '${String(t.name)}'`);
  if (seen.has(t.name)) throw new InvalidArgumentError('encodeSafetensors', `expected distinct tensor names, got '${t.name}' twice`);
  seen.add(t.name);
  if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) throw new InvalidArgumentError('encodeSafetensors', `'${t.name}': expected a Float32Array or Float64Array`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ShapeError('encodeSafetensors', `'${t.name}': expected dimensions that are non-negative integers, got [${t.shape.join(', ')}]`);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new ShapeError('encodeSafetensors', `'${t.name}': expected ${count} values for shape [${t.shape.join(', ')}], got ${t.data.length}`);
};

/**
 * The file's bytes. Throws (a caller's bug, not data) on repeated names, `__metadata__` as a
 * name, or data whose length is not the product of its shape.
 */
export const encodeSafetensors = (tensors: readonly TensorToWrite[], options: EncodeSafetensorsOptions = {}): Uint8Array => {
  const seen = new Set<string>();
  for (const t of tensors) checkTensor(t, seen);
  const ordered = [...tensors].sort((a, b) => dtypeRank(dtypeOf(b.data)) - dtypeRank(dtypeOf(a.data)) || byName(a.name, b.name));
  let offset = 0;
  const entries: HeaderEntry[] = ordered.map((t) => {
    const begin = offset;
    offset += t.data.byteLength;
    return { name: t.name, dtype: dtypeOf(t.data), shape: [...t.shape], dataOffsets: [begin, offset] };
  });
  const data = new Uint8Array(offset);
  ordered.forEach((t, i) => data.set(floatBytes(t.data), entries[i].dataOffsets[0]));
  const metadata = { ...options.metadata };
  if (options.checksum === true) metadata[CHECKSUM_KEY] = contentChecksum({ tensors: entries, metadata }, data);
  const text = new TextEncoder().encode(safetensorsHeaderCodec.encode({ tensors: entries, metadata }));
  // Pad with spaces so that the data starts 8-byte aligned, as the reference implementation does.
  const headerLength = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + headerLength);
  out.set(data, 8 + headerLength);
  return out;
};

/** A checked header: entries in data order, and where the data starts in the file. */
export interface DecodedHeader {
  readonly header: SafetensorsHeader;
  readonly entries: readonly HeaderEntry[];
  readonly dataStart: number;
}

/**
 * Everything but the tensor values: the length prefix, the header (io-ts), the layout, and the
 * checksum when the file has one. Left on any inconsistency; never throws.
 */
export const decodeSafetensorsHeader = (bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): E.Either<SafetensorsError, DecodedHeader> => {
  const { source } = options;
  const api = source === undefined ? 'decodeSafetensors' : `decodeSafetensors(${source})`;
  const fail = (tag: SafetensorsError['_tag'], message: string) => E.left(safetensorsError(tag, `${api}: ${message}`, source));
  if (bytes.length < 8) return fail('Truncated', `expected at least 8 bytes (the header length), got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) return fail('HeaderTooLarge', `the first 8 bytes declare a header of ${headerLength} bytes; expected at most ${MAX_HEADER_BYTES} (is this a safetensors file?)`);
  if (8 + headerLength > bytes.length) return fail('Truncated', `the first 8 bytes declare a header of ${headerLength} bytes, but only ${bytes.length - 8} bytes follow`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail('BadHeader', `expected the ${headerLength}-byte header to be UTF-8 text, got invalid UTF-8`);
  }
  const decoded = safetensorsHeaderCodec.decode(text);
  if (E.isLeft(decoded)) return fail('BadHeader', `the header is not a valid safetensors header:\n${D.draw(decoded.left)}`);
  const header = decoded.right;
  const dataStart = 8 + headerLength;
  const layout = checkLayout(api, header, bytes.length - dataStart, source);
  if (E.isLeft(layout)) return layout;
  if (Object.hasOwn(header.metadata, CHECKSUM_KEY)) {
    const stored = header.metadata[CHECKSUM_KEY];
    const actual = contentChecksum(header, bytes.subarray(dataStart));
    if (actual !== stored) return fail('Corrupted', `the contents do not match the stored checksum (${CHECKSUM_KEY} ${stored}, computed ${actual}): the file was damaged after it was written`);
  }
  return E.right({ header, entries: layout.right, dataStart });
};

/** Decodes a whole file; only F32, F64, F16 and BF16 tensors load (anything else is `UnsupportedDType`). */
export const decodeSafetensors = (bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): E.Either<SafetensorsError, Safetensors> => {
  const decoded = decodeSafetensorsHeader(bytes, options);
  if (E.isLeft(decoded)) return decoded;
  const { header, entries, dataStart } = decoded.right;
  const unsupported = entries.filter((t) => !isFloatDType(t.dtype));
  if (unsupported.length > 0) {
    const { source } = options;
    const api = source === undefined ? 'decodeSafetensors' : `decodeSafetensors(${source})`;
    const list = unsupported.slice(0, 5).map((t) => `'${t.name}' is ${t.dtype}`).join(', ');
    const more = unsupported.length > 5 ? ` and ${unsupported.length - 5} more` : '';
    return E.left(safetensorsError('UnsupportedDType', `${api}: purenet reads ${floatDTypes.join(', ')} tensors; ${list}${more} (convert them to float32 before saving)`, source));
  }
  const tensors = entries.map((t): SafetensorsTensor => {
    const dtype = t.dtype as FloatDType;
    const [begin, end] = t.dataOffsets;
    return { name: t.name, dtype, shape: [...t.shape], data: readFloats(dtype, bytes.subarray(dataStart + begin, dataStart + end)) };
  });
  return E.right({ tensors, metadata: header.metadata });
};
