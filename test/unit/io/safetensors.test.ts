/**
 * The safetensors format: byte-exact with the reference implementation on write, reads its files
 * (F32, F64, F16; BF16 by hand), and refuses every kind of lie a header can tell with a tagged
 * error that names what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSafetensors, decodeSafetensorsHeader, encodeSafetensors, formatSafetensorsError, MAX_HEADER_BYTES } from '../../../src/io/index.js';
import { bits, expectLeft, fileFrom, headerText, referenceFile, referenceInt64File, referenceMixedFile, right } from './safetensors-fixtures.js';

const f32 = (values: number[]) => Float32Array.from(values);

describe('encodeSafetensors', () => {
  it('writes exactly the bytes the reference implementation writes', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'lin.weight', shape: [2, 3], data: f32([-1, -0.5, 0, 0.5, 1, 1.5]) },
        { name: 'z', shape: [3], data: Float64Array.from([1.5, -2.25, 3]) },
        { name: 'a.bias', shape: [5], data: f32([7, 8, 9, 10, 11]) },
      ],
      { metadata: { format: 'pt' } },
    );
    expect(Buffer.from(bytes).equals(referenceMixedFile)).toBe(true);
  });

  it('pads the header with spaces so the data starts 8-byte aligned, and round-trips bits exactly', () => {
    const nan = new Float32Array(new Uint32Array([0x7fc00123]).buffer)[0];
    const tensors = [
      { name: 'w', shape: [2, 2], data: f32([-0, nan, Infinity, 1e-45]) },
      { name: 'scalar', shape: [], data: Float64Array.from([Math.PI]) },
      { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
    ];
    const bytes = encodeSafetensors(tensors);
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0);
    expect(headerText(bytes)).toMatch(/^\{"scalar":\{"dtype":"F64","shape":\[\],"data_offsets":\[0,8\]\},"empty":/);
    const decoded = right(decodeSafetensors(bytes));
    for (const t of tensors) {
      const found = decoded.tensors.find((d) => d.name === t.name);
      expect(found?.shape).toEqual(t.shape);
      expect(bits(found!.data)).toEqual(bits(t.data));
    }
  });

  it('refuses repeated names, __metadata__ as a name and data that does not fill the shape', () => {
    const t = { name: 'a', shape: [2], data: f32([1, 2]) };
    expect(() => encodeSafetensors([t, t])).toThrow(/expected distinct tensor names, got 'a' twice/);
    expect(() => encodeSafetensors([{ ...t, name: '__metadata__' }])).toThrow(/other than '__metadata__'/);
    expect(() => encodeSafetensors([{ ...t, shape: [3] }])).toThrow(/'a': expected 3 values for shape \[3\], got 2/);
  });

  it('keeps a tensor named __proto__ (io-ts records would drop it)', () => {
    const bytes = encodeSafetensors([{ name: '__proto__', shape: [1], data: f32([5]) }], { metadata: { __proto__x: 'y' } });
    const decoded = right(decodeSafetensors(bytes));
    expect(decoded.tensors.map((t) => t.name)).toEqual(['__proto__']);
    expect(Array.from(decoded.tensors[0].data)).toEqual([5]);
  });
});

describe('decodeSafetensors', () => {
  it('reads a reference file: F16 widened exactly, F32, F64, a scalar, the metadata', () => {
    const decoded = right(decodeSafetensors(referenceFile));
    expect(decoded.metadata).toEqual({ who: 'reference' });
    const byName = Object.fromEntries(decoded.tensors.map((t) => [t.name, t]));
    expect(byName.w.dtype).toBe('F16');
    expect(byName.w.shape).toEqual([2, 3]);
    expect(Array.from(byName.w.data)).toEqual([1, -2.5, 3.25, 0.0999755859375, 65504, -0]);
    expect(Object.is(byName.w.data[5], -0)).toBe(true);
    expect(Array.from(byName.b.data)).toEqual([Math.fround(0.1), Math.fround(-1e-3)]);
    expect(byName.d.data).toBeInstanceOf(Float64Array);
    expect(byName.d.data[0]).toBe(Math.PI);
    expect(byName.s.shape).toEqual([]);
    expect(Array.from(byName.s.data)).toEqual([2.5]);
  });

  it('widens BF16 by shifting the bits (NaN payloads kept)', () => {
    const decoded = right(decodeSafetensors(fileFrom('{"h":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}', [0x80, 0x3f, 0x00, 0xc0, 0xc1, 0x7f])));
    expect(bits(decoded.tensors[0].data)).toEqual([0x3f800000, 0xc0000000, 0x7fc10000]);
  });

  it('refuses dtypes it cannot load, naming them, but validates their layout first', () => {
    expectLeft(decodeSafetensors(referenceInt64File, { source: 'int.safetensors' }), 'UnsupportedDType', /^decodeSafetensors\(int\.safetensors\): purenet reads F32, F64, F16, BF16 tensors; 'n' is I64/);
    expect(E.isRight(decodeSafetensorsHeader(referenceInt64File))).toBe(true);
  });

  const tensorW = (dtype: string, shape: string, offsets: string) => `"w":{"dtype":${dtype},"shape":${shape},"data_offsets":${offsets}}`;
  const eightBytes = [0, 0, 128, 63, 0, 0, 0, 64];

  it.each([
    ['fewer than 8 bytes', new Uint8Array([1, 0, 0]), 'Truncated', /at least 8 bytes/],
    ['a header length beyond the file', (() => { const b = fileFrom('{}'); b[0] = 200; return b; })(), 'Truncated', /header of 200 bytes, but only 8 bytes follow/],
    ['a header length beyond 100 MB', (() => { const b = new Uint8Array(16); b[5] = 1; return b; })(), 'HeaderTooLarge', new RegExp(`expected at most ${MAX_HEADER_BYTES}`)],
    ['a header that is not UTF-8', (() => { const b = fileFrom('{"\u00e9":1}'); b[10] = 0xff; return b; })(), 'BadHeader', /UTF-8/],
    ['a header that does not start with {', fileFrom(' {}'), 'BadHeader', /starting with '\{'/],
    ['a header that is not JSON', fileFrom('{"w": '), 'BadHeader', /should be JSON text/],
    ['a JSON array', fileFrom('[1]'), 'BadHeader', /starting with '\{'/],
    ['a repeated key', fileFrom(`{${tensorW('"F32"', '[1]', '[0,4]')},${tensorW('"F32"', '[1]', '[4,8]')}}`, eightBytes), 'BadHeader', /\["w"\], should be an object whose keys are all distinct/],
    ['an unknown dtype', fileFrom(`{${tensorW('"F128"', '[2]', '[0,8]')}}`, eightBytes), 'BadHeader', /required property "w"\n└─ required property "dtype"\n {3}└─ cannot decode "F128", should be "BOOL" \| "U8"/],
    ['a negative dimension', fileFrom(`{${tensorW('"F32"', '[-2]', '[0,8]')}}`, eightBytes), 'BadHeader', /"shape"[\s\S]*cannot decode -2, should be a non-negative integer/],
    ['three offsets', fileFrom(`{${tensorW('"F32"', '[2]', '[0,8,8]')}}`, eightBytes), 'BadHeader', /data_offsets[\s\S]*should be \[begin, end\]/],
    ['fractional offsets', fileFrom(`{${tensorW('"F32"', '[2]', '[0,7.5]')}}`, eightBytes), 'BadHeader', /data_offsets/],
    ['a missing field', fileFrom('{"w":{"dtype":"F32","shape":[2]}}', eightBytes), 'BadHeader', /required property "data_offsets"/],
    ['metadata that is not strings', fileFrom('{"__metadata__":{"epoch":3}}'), 'BadHeader', /optional property "__metadata__"[\s\S]*cannot decode 3, should be string/],
    ['offsets shorter than dtype × shape', fileFrom(`{${tensorW('"F32"', '[3]', '[0,8]')}}`, eightBytes), 'BadLayout', /shape \[3\] of F32 needs 12 bytes, the offsets span 8/],
    ['end before begin', fileFrom(`{${tensorW('"F32"', '[0]', '[8,0]')}}`, eightBytes), 'BadLayout', /begin ≤ end/],
    ['a gap before the first tensor', fileFrom(`{${tensorW('"F32"', '[1]', '[4,8]')}}`, eightBytes), 'BadLayout', /gap of 4 bytes/],
    ['overlapping tensors', fileFrom(`{${tensorW('"F32"', '[2]', '[0,8]')},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eightBytes), 'BadLayout', /overlaps the previous tensor by 4 bytes/],
    ['a shape whose size overflows', fileFrom(`{${tensorW('"F32"', '[4294967296,4294967296,4294967296]', '[0,8]')}}`, eightBytes), 'BadLayout', /more than 2\^53 bytes/],
    ['tensors beyond the end of the file', fileFrom(`{${tensorW('"F32"', '[4]', '[0,16]')}}`, eightBytes), 'Truncated', /need 16 bytes of data, the file holds 8/],
    ['bytes after the last tensor', fileFrom(`{${tensorW('"F32"', '[1]', '[0,4]')}}`, eightBytes), 'TrailingBytes', /4 extra bytes/],
  ] as const)('refuses %s', (_, bytes, tag, message) => {
    const result = decodeSafetensors(bytes, { source: 'x.safetensors' });
    expectLeft(result, tag, message);
    if (E.isLeft(result)) {
      expect(result.left.message.startsWith('decodeSafetensors(x.safetensors): ')).toBe(true);
      expect(result.left.path).toBe('x.safetensors');
      expect(formatSafetensorsError(result.left)).not.toMatch(/\n/);
    }
  });

  it('accepts a file with no tensors, and a zero-size tensor with begin = end', () => {
    expect(right(decodeSafetensors(encodeSafetensors([]))).tensors).toEqual([]);
    const empty = right(decodeSafetensors(fileFrom(`{"e":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},${'"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'}}`, [0, 0, 128, 63])));
    expect(empty.tensors.map((t) => [t.name, t.data.length])).toEqual([['e', 0], ['w', 1]]);
  });

  it('copies: the result shares no memory with the input bytes', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: f32([1, 2]) }]);
    const decoded = right(decodeSafetensors(bytes));
    bytes.fill(0);
    expect(Array.from(decoded.tensors[0].data)).toEqual([1, 2]);
  });

  it('checks purenet.crc32 when present: a flipped data bit is Corrupted, header whitespace is not', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2], data: f32([1, 2]) }], { checksum: true, metadata: { format: 'pt' } });
    expect(right(decodeSafetensors(bytes)).metadata['purenet.crc32']).toMatch(/^[0-9a-f]{8}$/);
    const flipped = bytes.slice();
    flipped[flipped.length - 1] ^= 0x01;
    expectLeft(decodeSafetensors(flipped), 'Corrupted', /do not match the stored checksum/);
    // Re-spacing the same header (a different writer's JSON layout) keeps the checksum valid.
    const spaced = fileFrom(headerText(bytes).trimEnd().replace(/,"/g, ', "'), bytes.subarray(8 + new DataView(bytes.buffer).getUint32(0, true)));
    expect(E.isRight(decodeSafetensors(spaced))).toBe(true);
  });
});
