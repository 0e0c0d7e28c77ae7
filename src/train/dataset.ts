/**
 * An immutable in-memory dataset: N examples as row-major host arrays, features `[N, ...featureShape]`
 * and targets `[N, ...labelShape]`. Class indices are an Int32Array with `labelShape` `[]`;
 * regression targets are float arrays (`labelShape` `[]` for one value per example, `[k]` for k).
 * The arrays are taken as they are, not copied (MNIST's 60000 × 784 floats are 188 MB): do not
 * write to them afterwards. Every function here returns a new Dataset and never writes either.
 *
 * @example
 * const train = dataset({ features: images, featureShape: [784], labels }); // labels: Int32Array [60000]
 * const [fit, validation] = [take(train, 50000), drop(train, 50000)];
 */
import { formatShape, InvalidArgumentError, sizeOf, type Shape } from '../core/index.js';
import { zeroFilled } from '../core/backend/copy-out.js';
import { nodeUninitializedAllocator } from '../core/backend/node-alloc.js';

/**
 * The gathered rows' array, which the gather fills entirely: uninitialised memory where Node
 * offers it (a batch of 256 shuffled MNIST rows: 152 → 114 µs, medians of five alternating runs),
 * zero-filled elsewhere. A constant capability of the runtime, not a setting.
 */
const rowsArray = nodeUninitializedAllocator() ?? zeroFilled;

export type LabelArray = Int32Array | Float32Array | Float64Array;

export interface Dataset<L extends LabelArray = LabelArray> {
  /** Row-major `[size, ...featureShape]`. */
  readonly features: Float32Array;
  /** Shape of one example, e.g. `[784]` or `[1, 28, 28]`. */
  readonly featureShape: Shape;
  /** Row-major `[size, ...labelShape]`: class indices (Int32Array) or regression targets. */
  readonly labels: L;
  /** Shape of one example's target: `[]` for a class index or a single value. */
  readonly labelShape: Shape;
  readonly size: number;
}

export interface DatasetSpec<L extends LabelArray> {
  readonly features: Float32Array;
  readonly featureShape: Shape;
  readonly labels: L;
  /** `[]` when omitted. */
  readonly labelShape?: Shape;
}

/** Validates the arrays against the shapes and wraps them (no copy). */
export const dataset = <L extends LabelArray>(spec: DatasetSpec<L>): Dataset<L> => {
  const { features, featureShape, labels, labelShape = [] } = spec;
  checkExampleShape('featureShape', featureShape);
  checkExampleShape('labelShape', labelShape);
  if (!(features instanceof Float32Array)) throw new InvalidArgumentError('dataset', `expected features as a Float32Array, got ${describeArray(features)}`);
  if (!(labels instanceof Int32Array || labels instanceof Float32Array || labels instanceof Float64Array)) {
    throw new InvalidArgumentError('dataset', `expected labels as an Int32Array (classes) or a Float32Array/Float64Array (targets), got ${describeArray(labels)}`);
  }
  const labelSize = sizeOf(labelShape);
  const featureSize = sizeOf(featureShape);
  if (labels.length % labelSize !== 0) {
    throw new InvalidArgumentError('dataset', `expected labels.length to be a multiple of ${labelSize} (labelShape ${formatShape(labelShape)}), got ${labels.length}`);
  }
  const size = labels.length / labelSize;
  if (features.length !== size * featureSize) {
    throw new InvalidArgumentError(
      'dataset',
      `expected ${size} × ${featureSize} = ${size * featureSize} feature values for ${size} labels and featureShape ${formatShape(featureShape)}, got ${features.length}`,
    );
  }
  return Object.freeze({ features, featureShape: Object.freeze([...featureShape]), labels, labelShape: Object.freeze([...labelShape]), size });
};

/** Examples `[start, end)` as views of the same arrays (no copy). */
const slice = <L extends LabelArray>(data: Dataset<L>, start: number, end: number): Dataset<L> => {
  const f = sizeOf(data.featureShape);
  const l = sizeOf(data.labelShape);
  return Object.freeze({
    features: data.features.subarray(start * f, end * f),
    featureShape: data.featureShape,
    labels: data.labels.subarray(start * l, end * l) as L,
    labelShape: data.labelShape,
    size: end - start,
  });
};

const checkCount = (api: string, n: number): void => {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new InvalidArgumentError(api, `expected a non-negative integer count, got ${n}`);
};

/** The first `n` examples (all of them when `n ≥ size`, as tf.data's `take`). */
export const take = <L extends LabelArray>(data: Dataset<L>, n: number): Dataset<L> => {
  checkCount('take', n);
  return slice(data, 0, Math.min(n, data.size));
};

/** All but the first `n` examples (none when `n ≥ size`). */
export const drop = <L extends LabelArray>(data: Dataset<L>, n: number): Dataset<L> => {
  checkCount('drop', n);
  return slice(data, Math.min(n, data.size), data.size);
};

/** The examples at `indices`, in that order (copied; repeats allowed). */
export const subset = <L extends LabelArray>(data: Dataset<L>, indices: ArrayLike<number>): Dataset<L> => {
  const { x, y } = gatherRows('subset', data, indices);
  return Object.freeze({ features: x, featureShape: data.featureShape, labels: y, labelShape: data.labelShape, size: indices.length });
};

/**
 * @internal Copies the feature and label rows at `indices` into new arrays:
 * x `[indices.length, ...featureShape]`, y `[indices.length, ...labelShape]`.
 */
export const gatherRows = <L extends LabelArray>(api: string, data: Dataset<L>, indices: ArrayLike<number>): { readonly x: Float32Array; readonly y: L } => {
  const f = sizeOf(data.featureShape);
  const l = sizeOf(data.labelShape);
  const n = indices.length;
  const x = rowsArray(n * f);
  const y = new (data.labels.constructor as new (length: number) => L)(n * l);
  for (let i = 0; i < n; i++) {
    const row = indices[i];
    if (!(Number.isInteger(row) && row >= 0 && row < data.size)) {
      throw new InvalidArgumentError(api, `expected indices in [0, ${data.size}), got ${row} at position ${i}`);
    }
    x.set(data.features.subarray(row * f, (row + 1) * f), i * f);
    if (l === 1) y[i] = data.labels[row];
    else y.set(data.labels.subarray(row * l, (row + 1) * l), i * l);
  }
  return { x, y };
};

const checkExampleShape = (name: string, shape: Shape): void => {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new InvalidArgumentError('dataset', `expected ${name} to be a list of positive integers, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
};

const describeArray = (value: unknown): string =>
  value === null || typeof value !== 'object' ? typeof value : (value as object).constructor?.name ?? 'object';
