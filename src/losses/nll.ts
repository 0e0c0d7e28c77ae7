/**
 * Negative log-likelihood of integer labels under log-probabilities, PyTorch's `NLLLoss`: the
 * categorical maximum-likelihood loss when the model already outputs log p (e.g. logSoftmax).
 * The label lookup is a product with a constant weighted one-hot matrix built on the host, so
 * the loss is composed from core primitives and needs no gradient rule of its own.
 */
import { maximum, mul, sum, tensor, type Tensor } from '../core/index.js';
import { checkClassScores, checkIgnoreIndex, targetWeightTotal, toClassWeights, toLabels, type ClassWeights, type Labels } from './class-targets.js';
import { checkReduction, reduceWeighted, type Reduction } from './reduction.js';

export interface NllOptions {
  /** Default 'mean'. */
  readonly reduction?: Reduction;
  /** Per-class weights w (length C); 'mean' then divides by the sum of w[label] over counted rows. */
  readonly weight?: ClassWeights;
  /** Rows with this label contribute no loss and no gradient, and are not counted. Default -100. */
  readonly ignoreIndex?: number;
}

/** Most negative finite value of each dtype: log p = -Infinity is clamped to it (see below). */
const LOWEST = { float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE } as const;

/**
 * NLL of log-probabilities [N, C] against labels (N class indices): l[n] = -w[y_n] logProbs[n, y_n]
 * (0 on ignored rows). 'none' returns l [N]; 'sum' sum(l) []; 'mean' sum(l) / sum_{counted n} w[y_n]
 * []. A batch whose every row is ignored has 'mean' NaN with a zero gradient, as in PyTorch.
 *
 * Difference from PyTorch, by construction: a one-hot product would turn a log-probability of
 * -Infinity in a non-target column (a class masked out with -inf) into 0 * -inf = NaN, so
 * log-probabilities are first clamped to the dtype's lowest finite value. Non-target columns are
 * then exact (no loss, no gradient, as PyTorch); a target column at -Infinity gives a huge
 * finite loss (about 3.4e38 in float32) and no gradient where PyTorch gives Infinity.
 *
 * @example
 * nll(logSoftmax(logits), labels);        // equals crossEntropy(logits, labels)
 */
export const nll = (logProbs: Tensor, labels: Labels, options: NllOptions = {}): Tensor => {
  const api = 'nll';
  const shape = checkClassScores(api, 'logProbs', logProbs.shape);
  const reduction = checkReduction(api, options.reduction ?? 'mean');
  const ignoreIndex = checkIgnoreIndex(api, options.ignoreIndex ?? -100);
  const targets = toLabels(api, labels, shape, ignoreIndex);
  const classWeights = toClassWeights(api, options.weight, shape[1]);
  const [n, classes] = shape;
  // -w[y] at (n, y), zero elsewhere and on ignored rows: the loss is one product and a row sum.
  const negatedOneHot = new Float64Array(n * classes);
  targets.forEach((y, row) => {
    if (y !== ignoreIndex) negatedOneHot[row * classes + y] = -(classWeights === undefined ? 1 : classWeights[y]);
  });
  const selection = tensor(logProbs.backend, negatedOneHot, shape);
  const finite = maximum(logProbs, LOWEST[logProbs.dtype]);
  const perExample = sum(mul(finite, selection), { axes: 1 });
  return reduceWeighted(perExample, reduction, () => targetWeightTotal(targets, classWeights, ignoreIndex));
};
