/** Datasets and batching: validation, views and copies, seeded shuffles that cover every example once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldIn, InvalidArgumentError, key, keyFromWords } from '../../../src/core/index.js';
import { batchCount, dataset, drop, sequentialBatches, shuffledBatches, subset, take, type HostBatch } from '../../../src/train/index.js';

/** Example i has features [i, 10i] and label i (so a batch's rows are checkable against its indices). */
const numbered = (n: number) =>
  dataset({
    features: Float32Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? j / 2 : 10 * Math.floor(j / 2))),
    featureShape: [2],
    labels: Int32Array.from({ length: n }, (_, i) => i),
  });

const checkRows = (batch: HostBatch<Int32Array>): void => {
  batch.indices.forEach((index, row) => {
    expect([batch.x[2 * row], batch.x[2 * row + 1]]).toEqual([index, 10 * index]);
    expect(batch.y[row]).toBe(index);
  });
};

const arbKey = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => keyFromWords([a, b]));

describe('dataset', () => {
  it('infers the size from the labels and checks the features against it', () => {
    const d = dataset({ features: new Float32Array(12), featureShape: [2, 3], labels: new Float32Array(4), labelShape: [2] });
    expect(d.size).toBe(2);
    expect(() => dataset({ features: new Float32Array(10), featureShape: [2, 3], labels: new Int32Array(2) })).toThrow(
      /dataset: expected 2 × 6 = 12 feature values for 2 labels and featureShape \[2, 3\], got 10/,
    );
    expect(() => dataset({ features: new Float32Array(6), featureShape: [2], labels: new Float32Array(5), labelShape: [2] })).toThrow(
      /dataset: expected labels.length to be a multiple of 2 \(labelShape \[2\]\), got 5/,
    );
    expect(() => dataset({ features: new Float64Array(4) as unknown as Float32Array, featureShape: [2], labels: new Int32Array(2) })).toThrow(
      /dataset: expected features as a Float32Array, got Float64Array/,
    );
    expect(() => dataset({ features: new Float32Array(4), featureShape: [0, 2], labels: new Int32Array(2) })).toThrow(InvalidArgumentError);
  });

  it('take / drop are views that split the dataset; subset gathers copies', () => {
    const d = numbered(10);
    const head = take(d, 7);
    const tail = drop(d, 7);
    expect([head.size, tail.size]).toEqual([7, 3]);
    expect(Array.from(tail.labels)).toEqual([7, 8, 9]);
    expect(Array.from(tail.features)).toEqual([7, 70, 8, 80, 9, 90]);
    expect(take(d, 100).size).toBe(10);
    expect(drop(d, 100).size).toBe(0);
    const picked = subset(d, [9, 0, 9]);
    expect(Array.from(picked.labels)).toEqual([9, 0, 9]);
    expect(Array.from(picked.features)).toEqual([9, 90, 0, 0, 9, 90]);
    expect(picked.features.buffer).not.toBe(d.features.buffer);
    expect(() => take(d, -1)).toThrow(/take: expected a non-negative integer count, got -1/);
    expect(() => subset(d, [3, 10])).toThrow(/subset: expected indices in \[0, 10\), got 10 at position 1/);
  });
});

describe('shuffledBatches', () => {
  it('visits every example exactly once per epoch, with rows matching their indices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 70 }), arbKey, (n, batchSize, k) => {
        const batches = shuffledBatches(numbered(n), batchSize, k);
        const seen = new Int32Array(n);
        let count = 0;
        for (const batch of batches) {
          count++;
          expect(batch.xShape).toEqual([batch.size, 2]);
          expect(batch.yShape).toEqual([batch.size]);
          checkRows(batch);
          for (const i of batch.indices) seen[i]++;
        }
        expect(count).toBe(batches.count);
        expect(count).toBe(Math.ceil(n / batchSize));
        expect(Array.from(seen).every((times) => times === 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('fills large batches entirely (their arrays may start as uninitialised memory): every float is its row\'s', () => {
    // 64 features × 300 rows = 19,200 floats per batch, past the size where Node's uninitialised allocator is used.
    const [n, features] = [300, 64];
    const data = dataset({ features: Float32Array.from({ length: n * features }, (_, j) => j + 1), featureShape: [features], labels: new Int32Array(n) });
    for (const batch of shuffledBatches(data, n, key(3))) {
      expect(batch.x.length).toBe(n * features);
      batch.indices.forEach((index, row) => {
        for (let c = 0; c < features; c++) expect(batch.x[row * features + c]).toBe(index * features + c + 1);
      });
    }
  });

  it('is pure: the same key gives the same batches, also when iterated again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), arbKey, (n, batchSize, k) => {
        const d = numbered(n);
        const batches = shuffledBatches(d, batchSize, k);
        const first = [...batches].map((b) => Array.from(b.indices));
        expect([...batches].map((b) => Array.from(b.indices))).toEqual(first);
        expect([...shuffledBatches(d, batchSize, k)].map((b) => Array.from(b.indices))).toEqual(first);
      }),
      { numRuns: 30 },
    );
  });

  it('gives different orders for different epochs’ keys', () => {
    const d = numbered(100);
    const order = (epoch: number) => [...shuffledBatches(d, 100, foldIn(key(0), epoch))][0].indices;
    expect(Array.from(order(0))).not.toEqual(Array.from(order(1)));
    expect(Array.from(order(0))).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('dropLast skips the short batch', () => {
    const batches = [...shuffledBatches(numbered(10), 4, key(1), { dropLast: true })];
    expect(batches.map((b) => b.size)).toEqual([4, 4]);
    expect(batchCount(10, 4, true)).toBe(2);
    expect(batchCount(10, 4)).toBe(3);
  });

  it('batches own their arrays: writing to one changes neither the dataset nor the next iteration', () => {
    const d = numbered(6);
    const batches = shuffledBatches(d, 3, key(2));
    const [first] = batches;
    first.x.fill(-1);
    first.indices.fill(0);
    expect(Array.from(d.features.slice(0, 4))).toEqual([0, 0, 1, 10]);
    const [again] = batches;
    checkRows(again);
    expect(new Set(again.indices).size).toBe(3);
  });

  it.each([0, -1, 2.5, NaN])('refuses batchSize %s', (batchSize) => {
    expect(() => shuffledBatches(numbered(3), batchSize, key(0))).toThrow(/shuffledBatches: expected batchSize to be a positive integer/);
    expect(() => sequentialBatches(numbered(3), batchSize)).toThrow(/sequentialBatches: expected batchSize to be a positive integer/);
  });
});

describe('sequentialBatches', () => {
  it('walks the examples in order, the last batch short', () => {
    const batches = [...sequentialBatches(numbered(7), 3)];
    expect(batches.map((b) => Array.from(b.indices))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    batches.forEach(checkRows);
  });

  it('carries multi-dimensional regression targets', () => {
    const d = dataset({ features: Float32Array.from([1, 2, 3]), featureShape: [1], labels: Float64Array.from([1, 2, 3, 4, 5, 6]), labelShape: [2] });
    const [a, b] = sequentialBatches(d, 2);
    expect(a.yShape).toEqual([2, 2]);
    expect(a.y).toBeInstanceOf(Float64Array);
    expect(Array.from(a.y)).toEqual([1, 2, 3, 4]);
    expect(Array.from(b.y)).toEqual([5, 6]);
  });
});
