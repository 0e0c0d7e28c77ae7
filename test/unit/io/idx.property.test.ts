/**
 * Laws of the IDX parser: it never throws on any bytes; every Right is consistent (re-encodes to
 * exactly the input); encode then parse is the identity for every dtype; cutting a valid file
 * short is `Truncated`, appending to it is `TrailingBytes`, and a corrupted byte is never a crash.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { encodeIdx, parseIdx, type IdxArray, type IdxDType, type IdxError } from '../../../src/io/index.js';

const widths: { readonly [D in IdxDType]: readonly [bytes: number, make: (buffer: ArrayBuffer) => IdxArray['data']] } = {
  uint8: [1, (b) => new Uint8Array(b)],
  int8: [1, (b) => new Int8Array(b)],
  int16: [2, (b) => new Int16Array(b)],
  int32: [4, (b) => new Int32Array(b)],
  float32: [4, (b) => new Float32Array(b)],
  float64: [8, (b) => new Float64Array(b)],
};
const dtypes = Object.keys(widths) as IdxDType[];
const tags = new Set(['BadMagic', 'UnsupportedType', 'Truncated', 'TrailingBytes', 'Gzip']);

/** Any IDX array of small shape; data from raw bytes, so NaN payloads, -0 and extremes appear. */
const idxArray: fc.Arbitrary<IdxArray> = fc
  .tuple(fc.constantFrom(...dtypes), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }))
  .chain(([dtype, shape]) => {
    const [bytes, make] = widths[dtype];
    const count = shape.reduce((a, b) => a * b, 1);
    return fc
      .uint8Array({ minLength: count * bytes, maxLength: count * bytes })
      .map((raw) => ({ dtype, shape, data: make(raw.slice().buffer) }) as IdxArray);
  });

const bytesOf = (data: IdxArray['data']): number[] => Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));

/** A Right must be exactly what the bytes say; a Left must be a known tag with a parseIdx message. */
const checkConsistent = (input: Uint8Array, result: E.Either<IdxError, IdxArray>): void => {
  if (E.isLeft(result)) {
    expect(tags.has(result.left._tag)).toBe(true);
    expect(result.left.message.startsWith('parseIdx')).toBe(true);
    return;
  }
  const { dtype, shape, data } = result.right;
  expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
  expect(data.byteLength).toBe(data.length * widths[dtype][0]);
  expect(Array.from(encodeIdx(result.right))).toEqual(Array.from(input));
};

describe('parseIdx properties', () => {
  it('never throws on random bytes, and any Right is consistent', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => checkConsistent(bytes, parseIdx(bytes))),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes behind a plausible header', () => {
    const header = fc.tuple(fc.constantFrom(0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 48 }), ([code, rank], rest) => {
        const bytes = new Uint8Array([0, 0, code, rank, ...rest]);
        checkConsistent(bytes, parseIdx(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('parse(encode(x)) is x, bit for bit, for every dtype', () => {
    fc.assert(
      fc.property(idxArray, (array) => {
        const parsed = parseIdx(encodeIdx(array));
        if (E.isLeft(parsed)) throw new Error(parsed.left.message);
        expect(parsed.right.dtype).toBe(array.dtype);
        expect(parsed.right.shape).toEqual(array.shape);
        expect(parsed.right.data.constructor).toBe(array.data.constructor);
        expect(bytesOf(parsed.right.data)).toEqual(bytesOf(array.data));
      }),
    );
  });

  it('a valid file cut short is Truncated', () => {
    fc.assert(
      fc.property(idxArray, fc.nat(), (array, at) => {
        const bytes = encodeIdx(array);
        const cut = bytes.subarray(0, at % bytes.length);
        const result = parseIdx(cut);
        expect(E.isLeft(result) && result.left._tag).toBe('Truncated');
      }),
    );
  });

  it('a valid file with bytes appended is TrailingBytes', () => {
    fc.assert(
      fc.property(idxArray, fc.uint8Array({ minLength: 1, maxLength: 16 }), (array, extra) => {
        const result = parseIdx(new Uint8Array([...encodeIdx(array), ...extra]));
        expect(E.isLeft(result) && result.left._tag).toBe('TrailingBytes');
      }),
    );
  });

  it('a valid file with corrupted bytes is Left or a consistent Right, never an exception', () => {
    const corruption = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(idxArray, corruption, (array, edits) => {
        const bytes = encodeIdx(array);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        checkConsistent(bytes, parseIdx(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
