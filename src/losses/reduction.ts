/**
 * PyTorch's `reduction` argument, shared by every loss: a loss first computes one value per example
 * (or per element), then folds them into what `valueAndGrad` differentiates. Class-weighted losses
 * (crossEntropy, nll) divide their 'mean' by the total weight of the counted targets, not by N.
 */
import { InvalidArgumentError, add, div, full, mean, mul, sum, type Tensor } from '../core/index.js';

/** 'none' keeps the per-example values; 'mean' and 'sum' fold them to a scalar of shape []. */
export type Reduction = 'none' | 'mean' | 'sum';

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** Throws unless `reduction` is one of 'none' | 'mean' | 'sum' (JS callers can pass anything). */
export const checkReduction = (api: string, reduction: unknown): Reduction => {
  if (!REDUCTIONS.includes(reduction as Reduction)) {
    throw new InvalidArgumentError(api, `expected reduction 'none', 'mean' or 'sum', got ${JSON.stringify(reduction)}`);
  }
  return reduction as Reduction;
};

/**
 * Folds a per-element loss of any shape: 'none' returns it unchanged, 'sum' and 'mean' over ALL
 * elements return shape []. The mean of an empty tensor is NaN, as in PyTorch.
 *
 * @example
 * reduceLoss(square(sub(prediction, target)), 'mean'); // MSE
 */
export const reduceLoss = (losses: Tensor, reduction: Reduction = 'mean'): Tensor => {
  switch (checkReduction('reduceLoss', reduction)) {
    case 'none':
      return losses;
    case 'sum':
      return sum(losses);
    case 'mean':
      return mean(losses);
  }
};

/**
 * sum(losses) / totalWeight, shape []. When every target is ignored, totalWeight is 0 and PyTorch
 * computes 0/0 = NaN for the value, but its backward writes no gradient for ignored rows, so every
 * gradient is exactly zero. We return the same pair - a traced `0 * sum(losses)` (zero gradient)
 * plus a NaN constant - rather than NaN gradients that would corrupt an optimizer state. (Counted
 * targets whose weights are all 0 take the same path; PyTorch's gradient may be NaN there.)
 */
export const weightedMean = (losses: Tensor, totalWeight: number): Tensor => {
  const total = sum(losses);
  if (totalWeight === 0) return add(mul(total, 0), full(losses.backend, [], Number.NaN));
  return div(total, totalWeight);
};

/** `reduceLoss`, except that 'mean' divides by `totalWeight()` (evaluated only when needed). */
export const reduceWeighted = (losses: Tensor, reduction: Reduction, totalWeight: () => number): Tensor =>
  reduction === 'mean' ? weightedMean(losses, totalWeight()) : reduceLoss(losses, reduction);
