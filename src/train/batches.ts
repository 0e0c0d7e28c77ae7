/**
 * Mini-batches on the host, as pure, re-iterable values: the same dataset, batch size and key give
 * the same batches every time they are iterated. `shuffledBatches` walks a seeded permutation
 * (every example exactly once per epoch); `sequentialBatches` walks the examples in order, for
 * evaluation. Each batch owns fresh copies of its rows; moving it to a backend is the caller's
 * step (`tensor(backend, batch.x, batch.xShape)`).
 *
 * @example
 * for (const batch of shuffledBatches(train, 64, foldIn(key(0), epoch))) {
 *   const x = tensor(cpu, batch.x, batch.xShape);      // [batch.size, 784]
 * }
 */
import { InvalidArgumentError, permutation, type Key, type Shape } from '../core/index.js';
import { gatherRows, type Dataset, type LabelArray } from './dataset.js';

export interface HostBatch<L extends LabelArray = LabelArray> {
  /** Row-major `[size, ...featureShape]`. */
  readonly x: Float32Array;
  readonly xShape: Shape;
  /** Row-major `[size, ...labelShape]`. */
  readonly y: L;
  readonly yShape: Shape;
  /** Examples in this batch (the last one may be smaller unless `dropLast`). */
  readonly size: number;
  /** Dataset index of each row. */
  readonly indices: Int32Array;
}

/** A re-iterable sequence of batches that knows its length. */
export interface Batches<L extends LabelArray = LabelArray> extends Iterable<HostBatch<L>> {
  readonly count: number;
}

export interface BatchOptions {
  /** Skip a last batch smaller than `batchSize` (PyTorch DataLoader's `drop_last`). Default false. */
  readonly dropLast?: boolean;
}

/** Number of batches an epoch of `size` examples makes. */
export const batchCount = (size: number, batchSize: number, dropLast = false): number =>
  dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);

const checkBatchSize = (api: string, batchSize: number): void => {
  if (!(Number.isSafeInteger(batchSize) && batchSize > 0)) throw new InvalidArgumentError(api, `expected batchSize to be a positive integer, got ${batchSize}`);
};

/** Batches over the examples in the order `order` lists them. */
const batchesInOrder = <L extends LabelArray>(api: string, data: Dataset<L>, order: Int32Array, batchSize: number, dropLast: boolean): Batches<L> => {
  const count = batchCount(order.length, batchSize, dropLast);
  return {
    count,
    *[Symbol.iterator]() {
      for (let b = 0; b < count; b++) {
        // slice, not subarray: a batch must not alias the shared order array.
        const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, order.length));
        const { x, y } = gatherRows(api, data, indices);
        yield Object.freeze({
          x,
          xShape: Object.freeze([indices.length, ...data.featureShape]),
          y,
          yShape: Object.freeze([indices.length, ...data.labelShape]),
          size: indices.length,
          indices,
        });
      }
    },
  };
};

/** One epoch of batches over `permutation(key, size)`: pure in (dataset, batchSize, key). */
export const shuffledBatches = <L extends LabelArray>(data: Dataset<L>, batchSize: number, key: Key, options: BatchOptions = {}): Batches<L> => {
  checkBatchSize('shuffledBatches', batchSize);
  return batchesInOrder('shuffledBatches', data, permutation(key, data.size), batchSize, options.dropLast ?? false);
};

/** The examples in dataset order, `batchSize` at a time (for evaluation and prediction). */
export const sequentialBatches = <L extends LabelArray>(data: Dataset<L>, batchSize: number, options: BatchOptions = {}): Batches<L> => {
  checkBatchSize('sequentialBatches', batchSize);
  const order = new Int32Array(data.size);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return batchesInOrder('sequentialBatches', data, order, batchSize, options.dropLast ?? false);
};
