import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePngImage, readImageInput } from '../../src/cli/image-input.js';
import { encodeIdx } from '../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'purenet-image-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type PngOptions = ConstructorParameters<typeof pngjs.PNG>[0] & pngjs.PackerOptions;

const encode = (data: Uint8Array | Uint16Array, options: PngOptions, width = 28, height = 28): Uint8Array => {
  const png = new pngjs.PNG({ width, height, ...options });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(pngjs.PNG.sync.write(png, options));
};
const gray8 = { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 } as const;
const rgba8 = { colorType: 6, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 } as const;
const rgb8 = { colorType: 2, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 } as const;

const pixelBytes = fc.uint8Array({ minLength: 784, maxLength: 784 });

describe('decodePngImage', () => {
  it('an 8-bit gray PNG reads as byte / 255 exactly, as the MNIST loader does (property)', () => {
    fc.assert(
      fc.property(pixelBytes, (bytes) => {
        const image = decodePngImage('x.png', encode(bytes, gray8));
        expect(Array.from(image)).toEqual(Array.from(Float32Array.from(bytes, (v) => v / 255)));
        const inverted = decodePngImage('x.png', encode(bytes, gray8), { invert: true });
        expect(Array.from(inverted)).toEqual(Array.from(Float32Array.from(bytes, (v) => 1 - v / 255)));
      }),
      { numRuns: 20 },
    );
  });

  it('RGB becomes luminance with BT.601 weights (PIL convert("L")); gray RGB stays exact', () => {
    const colours: [number, number, number, number][] = [
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [200, 200, 200, 255],
    ];
    const data = new Uint8Array(784 * 4);
    colours.forEach((c, i) => data.set(c, 4 * i));
    const image = decodePngImage('c.png', encode(data, rgb8));
    expect(Array.from(image.subarray(0, 4))).toEqual([0.299, 0.587, 0.114, 200 / 255].map((v) => Math.fround(v)));
  });

  it('transparent pixels are background: black, or white before --invert (so 0 either way)', () => {
    const data = new Uint8Array(784 * 4);
    data.set([0, 0, 0, 0], 0); // transparent
    data.set([255, 255, 255, 128], 4); // half-covering white ink
    data.set([0, 0, 0, 255], 8); // opaque black ink
    const plain = decodePngImage('t.png', encode(data, rgba8));
    expect(Array.from(plain.subarray(0, 3))).toEqual([0, Math.fround(128 / 255), 0]);
    const inverted = decodePngImage('t.png', encode(data, rgba8), { invert: true });
    // Over white: transparent → white → 0 after inverting; opaque black → 1; half white ink on white → 0.
    expect(Array.from(inverted.subarray(0, 3))).toEqual([0, 0, 1]);
  });

  it('a 16-bit gray PNG is rescaled to 8 bits first', () => {
    const data = new Uint16Array(784).fill(0);
    data[0] = 0xffff;
    data[1] = 0x8080;
    // pngjs takes 16-bit samples big-endian.
    const bigEndian = new Uint8Array(784 * 2);
    data.forEach((v, i) => bigEndian.set([v >> 8, v & 0xff], 2 * i));
    const image = decodePngImage('d.png', encode(bigEndian, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 16 }));
    expect(image[0]).toBe(1);
    expect(image[1]).toBeCloseTo(128 / 255, 2);
    expect(image[2]).toBe(0);
  });

  it('refuses another size, naming the file and both sizes', () => {
    expect(() => decodePngImage('photo.png', encode(new Uint8Array(30 * 20), gray8, 30, 20))).toThrow(/^photo\.png: expected a 28 × 28 image, got 30 × 20; resize/);
  });
});

describe('readImageInput', () => {
  const write = (name: string, bytes: Uint8Array | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads an IDX images file, plain or gzip, by content whatever its name', async () => {
    const data = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
    const idx = encodeIdx({ dtype: 'uint8', shape: [3, 28, 28], data });
    for (const path of [write('images.idx', idx), write('images.png', gzipSync(idx))]) {
      const input = await readImageInput(path);
      expect([input.format, input.count]).toEqual(['idx', 3]);
      expect(input.images[300]).toBe(Math.fround((300 % 256) / 255));
    }
    const single = await readImageInput(write('one.idx', encodeIdx({ dtype: 'uint8', shape: [28, 28], data: data.subarray(0, 784) })), { invert: true });
    expect([single.count, single.images[0]]).toEqual([1, 1]);
  });

  it('refuses IDX arrays that are not uint8 [N, 28, 28] and files that are neither format', async () => {
    await expect(readImageInput(write('floats.idx', encodeIdx({ dtype: 'float32', shape: [1, 28, 28], data: new Float32Array(784) })))).rejects.toThrow(
      /floats\.idx: expected IDX images, uint8 \[N, 28, 28\], got float32 \[1, 28, 28\]$/,
    );
    await expect(readImageInput(write('small.idx', encodeIdx({ dtype: 'uint8', shape: [2, 8, 8], data: new Uint8Array(128) })))).rejects.toThrow(/got uint8 \[2, 8, 8\]$/);
    await expect(readImageInput(write('empty', ''))).rejects.toThrow(/empty: expected a PNG or an IDX images file, got neither \(it starts with nothing: the file is empty\)$/);
    await expect(readImageInput(dir)).rejects.toThrow(/cannot read the image: expected a file, got a directory \(EISDIR\)$/);
  });
});
