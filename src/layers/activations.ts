/**
 * Activations as plain tensor functions `(x) => y`, composed from primitives (tinygrad's rule): none
 * has a gradient rule of its own. Each keeps its input's shape, and each is finite in value and
 * gradient at |x| = 1e4 in float32 and float64. Pass them to `sequential` as entries.
 *
 * @example
 * const h = relu(linear(x, w, b));                 // [N, 256]
 * const p = softmax(logits);                       // rows sum to 1
 * const model = sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });
 */
import { add, compare, div, erf, exp, log, log1p, max, maximum, mul, neg, stopGradient, sub, sum, tanh as tanhPrimitive, InvalidArgumentError, type Shape, type Tensor } from '../core/index.js';

/**
 * max(x, 0), with relu'(0) = 0 as in PyTorch (maximum sends a tie's gradient to its second
 * argument, the constant). `sequential` fuses a dense layer followed by this very function into
 * one kernel.
 */
export const relu = <S extends Shape>(x: Tensor<S>): Tensor<S> => maximum(x, 0) as Tensor<S>;

/** x for x > 0, slope * x otherwise (PyTorch `leaky_relu`, default slope 0.01; gradient at 0 is slope). */
export const leakyRelu = <S extends Shape>(x: Tensor<S>, negativeSlope = 0.01): Tensor<S> => {
  if (!Number.isFinite(negativeSlope)) throw new InvalidArgumentError('leakyRelu', `expected a finite negativeSlope, got ${negativeSlope}`);
  // x * (slope + (1 - slope) [x > 0]): the mask is piecewise constant, so the gradient is the factor itself.
  const factor = add(mul(compare('greater', x, 0), 1 - negativeSlope), negativeSlope);
  return mul(x, factor) as Tensor<S>;
};

/**
 * |x| whose gradient at 0 is -1 (maximum's tie goes to `-x`). `softplus` relies on this choice:
 * it makes softplus'(0) = 1/2 exactly, with no special case.
 */
const absForSoftplus = (x: Tensor): Tensor => maximum(x, neg(x));

/**
 * log(1 + exp(beta x)) / beta, computed as max(x, 0) + log1p(exp(-|x|)) so it never overflows
 * (PyTorch `softplus`; its `threshold` switch is not needed with this form).
 */
export const softplus = <S extends Shape>(x: Tensor<S>, options: { readonly beta?: number } = {}): Tensor<S> => {
  const { beta = 1 } = options;
  if (!(Number.isFinite(beta) && beta > 0)) throw new InvalidArgumentError('softplus', `expected beta > 0, got ${beta}`);
  const z = beta === 1 ? x : mul(x, beta);
  const out = add(maximum(z, 0), log1p(exp(neg(absForSoftplus(z)))));
  return (beta === 1 ? out : div(out, beta)) as Tensor<S>;
};

/**
 * 1 / (1 + exp(-x)) as exp(-softplus(-x)): no overflow at either end, and full relative
 * precision for very negative x (sigmoid(-40) = 4.2e-18, not 0).
 */
export const sigmoid = <S extends Shape>(x: Tensor<S>): Tensor<S> => exp(neg(softplus(neg(x)))) as Tensor<S>;

/** log(sigmoid(x)) = -softplus(-x), finite where sigmoid(x) underflows. */
export const logSigmoid = <S extends Shape>(x: Tensor<S>): Tensor<S> => neg(softplus(neg(x))) as Tensor<S>;

/** Hyperbolic tangent (the core primitive, re-typed to keep the shape). */
export const tanh = <S extends Shape>(x: Tensor<S>): Tensor<S> => tanhPrimitive(x) as Tensor<S>;

export interface GeluOptions {
  /** 'none' (default, PyTorch's): x Φ(x) with the exact erf; 'tanh': the tanh approximation. */
  readonly approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit. Exact: 0.5 x (1 + erf(x / sqrt 2)). With `approximate: 'tanh'`:
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as PyTorch's `gelu(approximate='tanh')`.
 */
export const gelu = <S extends Shape>(x: Tensor<S>, options: GeluOptions = {}): Tensor<S> => {
  const { approximate = 'none' } = options;
  if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)) as Tensor<S>;
  if (approximate !== 'tanh') throw new InvalidArgumentError('gelu', `expected approximate 'none' or 'tanh', got ${String(approximate)}`);
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanhPrimitive(inner), 1)) as Tensor<S>;
};

/**
 * Shifted by the (gradient-stopped) max along `axis`: x - m is exact for nearby large values, so
 * float32 keeps full precision at |x| = 1e4, where x - logSumExp(x) would not.
 */
const shiftByMax = (x: Tensor, axis: number): Tensor => sub(x, stopGradient(max(x, { axes: axis, keepDims: true })));

/** Log-probabilities along `axis` (default the last): z - log(sum(exp(z))), z = x - max(x). */
export const logSoftmax = <S extends Shape>(x: Tensor<S>, axis = -1): Tensor<S> => {
  const z = shiftByMax(x, axis);
  return sub(z, log(sum(exp(z), { axes: axis, keepDims: true }))) as Tensor<S>;
};

/** Probabilities along `axis` (default the last): exp(z) / sum(exp(z)), z = x - max(x); slices sum to 1. */
export const softmax = <S extends Shape>(x: Tensor<S>, axis = -1): Tensor<S> => {
  const e = exp(shiftByMax(x, axis));
  return div(e, sum(e, { axes: axis, keepDims: true })) as Tensor<S>;
};
