/**
 * Binary cross-entropy from logits, PyTorch's `BCEWithLogitsLoss`: the Bernoulli negative
 * log-likelihood of targets z in [0, 1] (soft targets allowed) under p = sigmoid(x), written with
 * a stable softplus so that neither value nor gradient overflows, whatever the size of x.
 */
import {
  ShapeError,
  add,
  commonBackend,
  exp,
  formatShape,
  isTensor,
  log1p,
  maximum,
  mul,
  neg,
  scalar,
  shapesEqual,
  sub,
  tensor,
  InvalidArgumentError,
  type Shape,
  type Tensor,
} from '../core/index.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** A constant (or tensor) that broadcasts to the logits' shape: a number, a [C] array, a tensor. */
export type ElementWeights = Tensor | number | readonly number[] | Float64Array | Float32Array;

export interface BinaryCrossEntropyOptions {
  /** Default 'mean' (over all elements, whatever `weight` is). */
  readonly reduction?: Reduction;
  /** PyTorch's pos_weight: multiplies the positive term; broadcasts against the last axis (length C). */
  readonly posWeight?: ElementWeights;
  /** PyTorch's weight: rescales each element's loss; must broadcast to the logits' shape. */
  readonly weight?: ElementWeights;
}

const broadcastsTo = (from: Shape, to: Shape): boolean => {
  const lead = to.length - from.length;
  return lead >= 0 && from.every((d, i) => d === 1 || d === to[lead + i]);
};

const toTensor = (api: string, name: string, value: ElementWeights, logits: Tensor): Tensor => {
  if (!isTensor(value)) {
    const values = typeof value === 'number' ? [value] : Array.from(value);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InvalidArgumentError(api, `expected finite ${name} values, got ${values[bad]} at index ${bad}`);
  }
  const t = isTensor(value) ? value : typeof value === 'number' ? scalar(logits.backend, value) : tensor(logits.backend, Float64Array.from(value), [value.length]);
  if (!broadcastsTo(t.shape, logits.shape)) {
    throw new ShapeError(api, `expected ${name} to broadcast to the logits' shape ${formatShape(logits.shape)}, got ${name} of shape ${formatShape(t.shape)}`);
  }
  return t;
};

/**
 * The two pieces of softplus(x) = max(x, 0) + log1p(exp(-|x|)), neither of which overflows. At
 * x = 0 both kinks must take the same side for the gradient to be sigmoid(0) = 1/2: the core's
 * `maximum` sends a tie's gradient to its second operand, so max(x, 0) = maximum(x, 0) and
 * |x| = maximum(x, -x) both differentiate as on the side x < 0.
 */
const softplusParts = (x: Tensor): { readonly relu: Tensor; readonly log1pExp: Tensor } => ({
  relu: maximum(x, 0),
  log1pExp: log1p(exp(neg(maximum(x, neg(x))))),
});

/** The formulas below, before `weight` and the reduction. */
const elementwiseLoss = (x: Tensor, z: Tensor, posWeight: Tensor | undefined): Tensor => {
  const { relu, log1pExp } = softplusParts(x);
  if (posWeight === undefined) return add(sub(relu, mul(x, z)), log1pExp);
  const scale = add(mul(sub(posWeight, 1), z), 1);
  return add(sub(mul(scale, relu), mul(mul(posWeight, z), x)), mul(scale, log1pExp));
};

/**
 * Elementwise loss for logits x and targets z of the same shape (any rank), pos_weight pw:
 *
 *   l = -[pw z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))]
 *     = (max(x, 0) - x z) + log1p(exp(-|x|))                              without pw (PyTorch's form)
 *     = (c max(x, 0) - pw z x) + c log1p(exp(-|x|)),  c = 1 + (pw - 1) z   with pw
 *
 * times `weight` when given. The pw form is PyTorch's (1 - z) x + c (log1p(exp(-|x|)) + max(-x, 0))
 * regrouped so that, like the form without pw, it keeps full relative precision when the loss is
 * tiny (x = 20, z = 1 or x = -20, z = 0) instead of cancelling x against -x.
 * 'none' returns l in the logits' shape; 'mean' / 'sum' fold ALL elements to [] ('mean' divides by
 * the element count whatever the weights, as PyTorch). Targets are not range-checked (that needs
 * an asynchronous read): values outside [0, 1] give a defined but meaningless loss, as in PyTorch.
 * Differentiable in x and z.
 *
 * @example
 * binaryCrossEntropyWithLogits(logits, targets);                      // logits, targets: [N, C]
 * binaryCrossEntropyWithLogits(logits, targets, { posWeight: [3, 1, 1] });
 */
export const binaryCrossEntropyWithLogits = (logits: Tensor, targets: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor => {
  const api = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(api, options.reduction ?? 'mean');
  if (!shapesEqual(logits.shape, targets.shape)) {
    throw new ShapeError(api, `expected logits and targets of the same shape, got logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)}`);
  }
  const posWeight = options.posWeight === undefined ? undefined : toTensor(api, 'posWeight', options.posWeight, logits);
  const weight = options.weight === undefined ? undefined : toTensor(api, 'weight', options.weight, logits);
  commonBackend(api, [logits, targets, ...(posWeight === undefined ? [] : [posWeight]), ...(weight === undefined ? [] : [weight])]);
  const perElement = elementwiseLoss(logits, targets, posWeight);
  return reduceLoss(weight === undefined ? perElement : mul(perElement, weight), reduction);
};
