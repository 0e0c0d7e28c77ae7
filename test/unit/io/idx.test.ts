import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { ShapeError } from '../../../src/core/index.js';
import { encodeIdx, parseIdx, type IdxArray, type IdxError, type IdxErrorTag } from '../../../src/io/index.js';
import { idxBytes, ubyteIdx } from './idx-fixtures.js';

const right = (r: E.Either<IdxError, IdxArray>): IdxArray => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`);
  return r.right;
};
const left = (r: E.Either<IdxError, IdxArray>, tag: IdxErrorTag): IdxError => {
  if (E.isRight(r)) throw new Error(`expected Left ${tag}, got Right ${r.right.dtype} [${r.right.shape.join(', ')}]`);
  expect(r.left._tag).toBe(tag);
  return r.left;
};

describe('parseIdx: dtypes, read big-endian', () => {
  it('uint8 (0x08)', () => {
    const a = right(parseIdx(ubyteIdx([3], [7, 2, 255])));
    expect(a.dtype).toBe('uint8');
    expect(a.shape).toEqual([3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(a.data)).toEqual([7, 2, 255]);
  });
  it('int8 (0x09)', () => {
    const a = right(parseIdx(idxBytes(0x09, [3], [0xff, 0x80, 0x7f])));
    expect(a.dtype).toBe('int8');
    expect(a.data).toBeInstanceOf(Int8Array);
    expect(Array.from(a.data)).toEqual([-1, -128, 127]);
  });
  it('int16 (0x0B)', () => {
    const a = right(parseIdx(idxBytes(0x0b, [3], [0x01, 0x02, 0xff, 0xfe, 0x80, 0x00])));
    expect(a.dtype).toBe('int16');
    expect(a.data).toBeInstanceOf(Int16Array);
    expect(Array.from(a.data)).toEqual([258, -2, -32768]);
  });
  it('int32 (0x0C)', () => {
    const a = right(parseIdx(idxBytes(0x0c, [2], [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd])));
    expect(a.dtype).toBe('int32');
    expect(a.data).toBeInstanceOf(Int32Array);
    expect(Array.from(a.data)).toEqual([0x01020304, -3]);
  });
  it('float32 (0x0D)', () => {
    const a = right(parseIdx(idxBytes(0x0d, [2], [0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x49, 0x0f, 0xdb])));
    expect(a.dtype).toBe('float32');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([1.5, -Math.fround(Math.PI)]);
  });
  it('float64 (0x0E), including -0', () => {
    const a = right(parseIdx(idxBytes(0x0e, [2], [0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18, 0x80, 0, 0, 0, 0, 0, 0, 0])));
    expect(a.dtype).toBe('float64');
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(a.data[0]).toBe(Math.PI);
    expect(Object.is(a.data[1], -0)).toBe(true);
  });
});

describe('parseIdx: shapes', () => {
  it('reads dimensions as big-endian uint32 (256 is 00 00 01 00)', () => {
    const values = Array.from({ length: 256 }, (_, i) => i);
    const a = right(parseIdx(ubyteIdx([1, 256], values)));
    expect(a.shape).toEqual([1, 256]);
    expect(a.data[255]).toBe(255);
  });
  it('rank 3, row-major', () => {
    const a = right(parseIdx(ubyteIdx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])));
    expect(a.shape).toEqual([2, 2, 3]);
    expect(a.data[1 * 6 + 0 * 3 + 2]).toBe(8);
  });
  it('rank 0 holds one element', () => {
    const a = right(parseIdx(idxBytes(0x0b, [], [0x00, 0x2a])));
    expect(a.shape).toEqual([]);
    expect(Array.from(a.data)).toEqual([42]);
  });
  it('a zero dimension gives an empty array, even beside dimensions whose product overflows', () => {
    const a = right(parseIdx(ubyteIdx([0, 5], [])));
    expect(a.shape).toEqual([0, 5]);
    expect(a.data.length).toBe(0);
    const huge = Array.from({ length: 40 }, () => 0xffffffff);
    const b = right(parseIdx(idxBytes(0x0e, [...huge, 0])));
    expect(b.data.length).toBe(0);
    // ...and bytes after such an empty array are still trailing bytes (Infinity * 0 would be NaN).
    expect(left(parseIdx(idxBytes(0x0e, [...huge, 0], [1, 2, 3])), 'TrailingBytes').message).toContain('3 extra after the data');
  });
});

describe('parseIdx: memory', () => {
  it('reads a Node Buffer that sits at an odd offset in the shared pool, and copies it', () => {
    const file = idxBytes(0x0b, [2], [0x01, 0x00, 0x00, 0x01]);
    const backing = new ArrayBuffer(file.length + 3);
    new Uint8Array(backing).set(file, 3);
    const view = Buffer.from(backing, 3, file.length);
    expect(view.byteOffset).toBe(3);
    const a = right(parseIdx(view));
    expect(Array.from(a.data)).toEqual([256, 1]);
    expect(a.data.buffer).not.toBe(backing);
    expect(a.data.byteOffset).toBe(0);
    const pooled = Buffer.from(file);
    expect(Array.from(right(parseIdx(pooled)).data)).toEqual([256, 1]);
  });
  it('does not write to its input and returns data that does not alias it', () => {
    const bytes = idxBytes(0x0c, [1], [0, 0, 1, 0]);
    const before = Array.from(bytes);
    const a = right(parseIdx(bytes));
    expect(Array.from(bytes)).toEqual(before);
    (a.data as Int32Array)[0] = 7;
    expect(Array.from(bytes)).toEqual(before);
  });
});

describe('parseIdx: errors', () => {
  it('Gzip: gzip bytes are refused with advice, not misread', () => {
    const e = left(parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])), 'Gzip');
    expect(e.message).toMatch(/gzip-compressed.*readIdxFile.*DecompressionStream/);
  });
  it('Truncated: fewer than 4 header bytes', () => {
    const e = left(parseIdx(new Uint8Array([0, 0, 8])), 'Truncated');
    expect(e.message).toContain('expected at least 4 header bytes');
    expect(e.message).toContain('got 3');
    left(parseIdx(new Uint8Array([])), 'Truncated');
  });
  it('Truncated: header shorter than its rank requires', () => {
    const e = left(parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1, 0, 0])), 'Truncated');
    expect(e.message).toBe('parseIdx: header declares rank 2, which needs 12 header bytes, got 10');
  });
  it('Truncated: data shorter than the shape requires', () => {
    const e = left(parseIdx(idxBytes(0x0b, [2, 3], [1, 2, 3, 4, 5])), 'Truncated');
    expect(e.message).toBe('parseIdx: shape [2, 3] of int16 needs 24 bytes (header 12 + data 12 bytes), got 17 bytes');
  });
  it('Truncated: a shape too large to count says so', () => {
    const e = left(parseIdx(idxBytes(0x0e, Array.from({ length: 4 }, () => 0xffffffff))), 'Truncated');
    expect(e.message).toContain('more than 2^53 bytes');
  });
  it('BadMagic: names the bytes it found', () => {
    const e = left(parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0])), 'BadMagic');
    expect(e.message).toBe('parseIdx: expected the IDX magic bytes 00 00 at offset 0, got 0x50 0x4b (not an IDX file)');
    left(parseIdx(new Uint8Array([0, 1, 8, 0, 5])), 'BadMagic');
  });
  it('UnsupportedType: lists the known codes', () => {
    for (const code of [0x00, 0x07, 0x0a, 0x0f, 0xff]) {
      const e = left(parseIdx(idxBytes(code, [1], [0])), 'UnsupportedType');
      expect(e.message).toContain(`got 0x${code.toString(16).padStart(2, '0')}`);
      expect(e.message).toContain('0x08 (uint8)');
      expect(e.message).toContain('0x0e (float64)');
    }
  });
  it('TrailingBytes: counts the extra bytes', () => {
    const e = left(parseIdx(ubyteIdx([2], [1, 2, 3, 4])), 'TrailingBytes');
    expect(e.message).toBe('parseIdx: shape [2] of uint8 needs 10 bytes (header 8 + data 2 bytes), got 12 bytes (2 extra after the data)');
  });
  it('names the source in the message and the path field when given one', () => {
    const e = left(parseIdx(ubyteIdx([2], [1]), { source: 'data/t10k-labels-idx1-ubyte' }), 'Truncated');
    expect(e.message.startsWith('parseIdx(data/t10k-labels-idx1-ubyte): ')).toBe(true);
    expect(e.path).toBe('data/t10k-labels-idx1-ubyte');
    const bare = left(parseIdx(ubyteIdx([2], [1])), 'Truncated');
    expect('path' in bare).toBe(false);
  });
});

describe('encodeIdx', () => {
  it('writes the header and big-endian data byte for byte', () => {
    expect(Array.from(encodeIdx({ dtype: 'int16', shape: [1, 2], data: new Int16Array([258, -2]) }))).toEqual(
      Array.from(idxBytes(0x0b, [1, 2], [0x01, 0x02, 0xff, 0xfe])),
    );
    expect(Array.from(encodeIdx({ dtype: 'float32', shape: [1], data: new Float32Array([1.5]) }))).toEqual(Array.from(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0])));
    expect(Array.from(encodeIdx({ dtype: 'uint8', shape: [256], data: new Uint8Array(256) }).subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 1, 0]);
  });
  it('encodes a view at an offset without touching the rest of its buffer', () => {
    const backing = new Int32Array([11, 22, 33]);
    const view = backing.subarray(1, 2);
    expect(Array.from(encodeIdx({ dtype: 'int32', shape: [1], data: view }))).toEqual(Array.from(idxBytes(0x0c, [1], [0, 0, 0, 22])));
    expect(Array.from(backing)).toEqual([11, 22, 33]);
  });
  it('throws a ShapeError on an inconsistent array', () => {
    expect(() => encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow(ShapeError);
    expect(() => encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow('encodeIdx: expected 3 elements for shape [3], got 2');
    expect(() => encodeIdx({ dtype: 'uint8', shape: [1.5], data: new Uint8Array(1) })).toThrow(ShapeError);
    expect(() => encodeIdx({ dtype: 'uint8', shape: [2 ** 32], data: new Uint8Array(0) })).toThrow(ShapeError);
  });
});
