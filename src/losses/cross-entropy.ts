/**
 * Cross-entropy from logits with integer labels, exactly PyTorch's `CrossEntropyLoss`. The
 * per-example part is the fused `softmaxCrossEntropy` primitive (shifted log-sum-exp, never
 * log(softmax), gradient softmax - target), so it is finite for logits of any finite size.
 */
import { InvalidArgumentError, softmaxCrossEntropy, type Tensor } from '../core/index.js';
import { checkClassScores, checkIgnoreIndex, targetWeightTotal, toClassWeights, toLabels, type ClassWeights, type Labels } from './class-targets.js';
import { checkReduction, reduceWeighted, type Reduction } from './reduction.js';

export interface CrossEntropyOptions {
  /** Default 'mean'. */
  readonly reduction?: Reduction;
  /** Per-class weights w (length C); 'mean' then divides by the sum of w[label] over counted rows. */
  readonly weight?: ClassWeights;
  /** Rows with this label contribute no loss and no gradient, and are not counted. Default -100. */
  readonly ignoreIndex?: number;
  /** eps in [0, 1]: the target becomes (1 - eps) onehot + eps / C. Default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [N, C] against labels (N class indices). Per example n with label y:
 *
 *   l[n] = (1 - eps) w[y] (lse(z_n) - z[n, y]) + eps / C sum_c w[c] (lse(z_n) - z[n, c])
 *
 * (0 on ignored rows; w = 1 without weights). 'none' returns l [N]; 'sum' returns sum(l) [];
 * 'mean' returns sum(l) / sum_{counted n} w[y_n] [] - PyTorch's formula, smoothing term included.
 * A batch whose every row is ignored has 'mean' 0/0: NaN with a zero gradient, as in PyTorch.
 *
 * @example
 * const loss = crossEntropy(logits, batch.labels);                     // [], mean over the batch
 * crossEntropy(tensor(cpu, [1, 2, 3], [1, 3]), [2]);                   // 0.40760596
 * crossEntropy(logits, labels, { labelSmoothing: 0.1, weight: [1, 2, 3], ignoreIndex: 0 });
 */
export const crossEntropy = (logits: Tensor, labels: Labels, options: CrossEntropyOptions = {}): Tensor => {
  const api = 'crossEntropy';
  const shape = checkClassScores(api, 'logits', logits.shape);
  const reduction = checkReduction(api, options.reduction ?? 'mean');
  const ignoreIndex = checkIgnoreIndex(api, options.ignoreIndex ?? -100);
  const labelSmoothing = options.labelSmoothing ?? 0;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new InvalidArgumentError(api, `expected labelSmoothing in [0, 1], got ${labelSmoothing}`);
  }
  const targets = toLabels(api, labels, shape, ignoreIndex);
  const classWeights = toClassWeights(api, options.weight, shape[1]);
  const perExample = softmaxCrossEntropy(logits, { labels: targets, classWeights, labelSmoothing, ignoreIndex });
  return reduceWeighted(perExample, reduction, () => targetWeightTotal(targets, classWeights, ignoreIndex));
};
