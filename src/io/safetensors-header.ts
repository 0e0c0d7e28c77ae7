/**
 * The safetensors header: UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, ...,
 * "__metadata__"?: { string: string } }`, offsets relative to the data that follows the header.
 * `safetensorsHeaderCodec` turns the header text into a typed value and back (io-ts: the text is
 * a boundary); `checkLayout` then holds the offsets to the reference implementation's rules:
 * sorted by offset, the tensors tile the data exactly (no overlap, no gap, nothing after the
 * last), and each one spans dtype size × number of elements bytes.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as C from 'io-ts/lib/Codec.js';
import * as D from 'io-ts/lib/Decoder.js';
import * as DE from 'io-ts/lib/DecodeError.js';
import { concatErrors, entries, keyError, nonNegativeInteger } from './codecs.js';
import { duplicateKeys } from './json-keys.js';
import { dtypeBytes, safetensorsDTypes, type SafetensorsDType } from './safetensors-dtype.js';
import { safetensorsError, type SafetensorsError } from './safetensors-error.js';

/** One tensor's entry: `dataOffsets` is [begin, end) in bytes from the start of the data. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly dataOffsets: readonly [begin: number, end: number];
}

export interface SafetensorsHeader {
  /** In the order the header lists them. */
  readonly tensors: readonly HeaderEntry[];
  /** `__metadata__` (string to string); empty when the header has none. */
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA = '__metadata__';

/** Exactly two offsets (io-ts' `D.tuple` would drop a third one silently). */
const offsetPair: D.Decoder<unknown, readonly [number, number]> = {
  decode: (u) => {
    if (!Array.isArray(u) || u.length !== 2) return D.failure(u, '[begin, end]: two non-negative integers');
    const [begin, end] = [nonNegativeInteger.decode(u[0]), nonNegativeInteger.decode(u[1])];
    if (E.isLeft(begin)) return E.left(D.error(u, '[begin, end]: two non-negative integers'));
    if (E.isLeft(end)) return E.left(D.error(u, '[begin, end]: two non-negative integers'));
    return D.success([begin.right, end.right] as const);
  },
};

const tensorInfo = D.struct({
  dtype: D.literal(...safetensorsDTypes),
  shape: D.array(nonNegativeInteger),
  data_offsets: offsetPair,
});

/** The parsed header object: one entry per key, `__metadata__` decoded as a string map. */
const headerObject: D.Decoder<unknown, SafetensorsHeader> = {
  decode: (u) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return D.failure(u, 'a JSON object { name: { dtype, shape, data_offsets } }');
    const tensors: HeaderEntry[] = [];
    let metadata: Readonly<Record<string, string>> = {};
    const errors: D.DecodeError[] = [];
    for (const [name, value] of Object.entries(u)) {
      if (name === METADATA) {
        const decoded = entries(D.string).decode(value);
        if (E.isLeft(decoded)) errors.push(keyError(name, DE.optional, decoded.left));
        else metadata = Object.fromEntries(decoded.right);
        continue;
      }
      const decoded = tensorInfo.decode(value);
      if (E.isLeft(decoded)) errors.push(keyError(name, DE.required, decoded.left));
      else tensors.push({ name, dtype: decoded.right.dtype, shape: decoded.right.shape, dataOffsets: decoded.right.data_offsets });
    }
    const error = concatErrors(errors);
    if (error !== undefined) return E.left(error);
    return D.success({ tensors, metadata });
  },
};

const preview = (text: string): string => (text.length <= 60 ? text : `${text.slice(0, 57)}...`);

const decodeHeaderText: D.Decoder<string, SafetensorsHeader> = {
  decode: (text) => {
    if (!text.startsWith('{')) return D.failure(preview(text), "JSON text starting with '{'");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      return D.failure(preview(text), `JSON text (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    const repeated = duplicateKeys(text);
    if (repeated.length > 0) return D.failure(repeated, 'an object whose keys are all distinct (a repeated key would load whichever came last)');
    return headerObject.decode(parsed);
  },
};

/**
 * Header JSON as the reference writes it: compact, `__metadata__` first (when non-empty), then
 * the tensors in the order given, each `{"dtype","shape","data_offsets"}`. Built as text so that
 * the order is the one given (an object would list integer-like names first).
 */
const encodeHeaderText = (header: SafetensorsHeader): string => {
  const metadataKeys = Object.keys(header.metadata).sort();
  const parts = metadataKeys.length === 0 ? [] : [`${JSON.stringify(METADATA)}:{${metadataKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(header.metadata[k])}`).join(',')}}`];
  for (const t of header.tensors) {
    parts.push(`${JSON.stringify(t.name)}:{"dtype":${JSON.stringify(t.dtype)},"shape":[${t.shape.join(',')}],"data_offsets":[${t.dataOffsets[0]},${t.dataOffsets[1]}]}`);
  }
  return `{${parts.join(',')}}`;
};

/** The header text ↔ typed header. Decoding refuses non-JSON, repeated keys and malformed entries. */
export const safetensorsHeaderCodec: C.Codec<string, string, SafetensorsHeader> = C.make(decodeHeaderText, { encode: encodeHeaderText });

// A zero dimension empties the tensor even when the others would overflow to Infinity (0 · ∞ is NaN).
const elementCount = (shape: readonly number[]): number => (shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1));

/**
 * Checks the offsets against the data length and returns the entries in data order. Left with
 * `BadLayout` (overlap, gap, a size that is not dtype × shape), `Truncated` (tensors beyond the
 * data) or `TrailingBytes` (data beyond the tensors).
 */
export const checkLayout = (api: string, header: SafetensorsHeader, dataLength: number, path?: string): E.Either<SafetensorsError, readonly HeaderEntry[]> => {
  const fail = (tag: 'BadLayout' | 'Truncated' | 'TrailingBytes', message: string) => E.left(safetensorsError(tag, `${api}: ${message}`, path));
  const sorted = [...header.tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let position = 0;
  for (const t of sorted) {
    const [begin, end] = t.dataOffsets;
    const where = `tensor '${t.name}' (data_offsets [${begin}, ${end}])`;
    if (end < begin) return fail('BadLayout', `${where}: expected begin ≤ end`);
    if (begin > position) return fail('BadLayout', `${where}: expected it to start at byte ${position}, where the previous tensor ends; the header leaves a gap of ${begin - position} bytes`);
    if (begin < position) return fail('BadLayout', `${where}: expected it to start at byte ${position}; it overlaps the previous tensor by ${position - begin} bytes`);
    const count = elementCount(t.shape);
    const bytes = count * dtypeBytes[t.dtype];
    if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
      const needed = Number.isSafeInteger(bytes) ? `${bytes} bytes` : 'more than 2^53 bytes';
      return fail('BadLayout', `${where}: shape [${t.shape.join(', ')}] of ${t.dtype} needs ${needed}, the offsets span ${end - begin}`);
    }
    position = end;
  }
  if (position > dataLength) return fail('Truncated', `the header's tensors need ${position} bytes of data, the file holds ${dataLength}`);
  if (position < dataLength) return fail('TrailingBytes', `the header's tensors end at byte ${position} of the data, the file holds ${dataLength} (${dataLength - position} extra bytes)`);
  return E.right(sorted);
};
