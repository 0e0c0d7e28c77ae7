/**
 * Integer class targets as crossEntropy and nll take them: host-side labels, optional per-class
 * weights and an ignore index. They are constants of the loss (never differentiated), so they
 * live on the host, are validated once, and are copied so a caller reusing its label buffer for
 * the next batch cannot change a loss whose backward pass has not run yet.
 */
import { InvalidArgumentError, ShapeError, checkLabels, formatShape, type Shape } from '../core/index.js';

/** One class index per example (Int32Array or plain numbers, which must be integers). */
export type Labels = Int32Array | readonly number[];

/** Per-class rescaling weights, PyTorch's `weight` (length C). */
export type ClassWeights = readonly number[] | Float64Array | Float32Array;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const isInt32 = (value: number): boolean => Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;

/** Throws unless `scores` is [N, C]; returns [N, C]. `what` names the tensor in the message. */
export const checkClassScores = (api: string, what: string, shape: Shape): readonly [number, number] => {
  if (shape.length !== 2) throw new ShapeError(api, `expected ${what} of shape [N, C], got ${formatShape(shape)}`);
  return [shape[0], shape[1]];
};

/** The ignore index must be an integer (PyTorch's default is -100). */
export const checkIgnoreIndex = (api: string, ignoreIndex: number): number => {
  if (!isInt32(ignoreIndex)) throw new InvalidArgumentError(api, `expected ignoreIndex to be an integer, got ${ignoreIndex}`);
  return ignoreIndex;
};

/**
 * A validated private copy of the labels: N of them, each an integer class in [0, C) or the
 * ignore index. `shape` is the scores' shape, quoted in messages.
 */
export const toLabels = (api: string, labels: Labels, shape: readonly [number, number], ignoreIndex: number): Int32Array => {
  const [n, classes] = shape;
  if (labels.length !== n) {
    throw new ShapeError(api, `expected ${n} labels for ${formatShape(shape)} scores (one per row), got ${labels.length}`);
  }
  if (!(labels instanceof Int32Array)) {
    labels.forEach((y, i) => {
      if (!isInt32(y)) throw new InvalidArgumentError(api, `expected integer class labels, got ${y} at index ${i}`);
    });
  }
  const copy = Int32Array.from(labels);
  checkLabels(api, copy, classes, ignoreIndex);
  return copy;
};

/** A private float64 copy of the class weights, or undefined; throws unless there are C finite ones. */
export const toClassWeights = (api: string, weight: ClassWeights | undefined, classes: number): Float64Array | undefined => {
  if (weight === undefined) return undefined;
  if (weight.length !== classes) {
    throw new ShapeError(api, `expected weight of length C = ${classes} (one per class), got ${weight.length}`);
  }
  const copy = Float64Array.from(weight);
  const bad = copy.findIndex((w) => !Number.isFinite(w));
  if (bad >= 0) throw new InvalidArgumentError(api, `expected finite class weights, got ${copy[bad]} at index ${bad}`);
  return copy;
};

/**
 * The denominator of PyTorch's weighted 'mean': sum over non-ignored examples n of w[labels[n]]
 * (the count of non-ignored examples when there are no weights). Summed in float64.
 */
export const targetWeightTotal = (labels: Int32Array, weights: Float64Array | undefined, ignoreIndex: number): number => {
  let total = 0;
  for (const y of labels) if (y !== ignoreIndex) total += weights === undefined ? 1 : weights[y];
  return total;
};
