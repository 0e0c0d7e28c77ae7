/**
 * Gaussian negative log-likelihood, the regression loss of a model that predicts a mean and a
 * variance (PyTorch's `GaussianNLLLoss`), and its smoother log-variance form. Losses stay
 * synchronous: a variance that is negative cannot be refused without reading it (an asynchronous
 * download), so the loss clamps it and `checkVariance` is the explicit, awaited check.
 */
import {
  InvalidArgumentError,
  ShapeError,
  add,
  commonBackend,
  div,
  exp,
  formatShape,
  log,
  maximum,
  mul,
  neg,
  reshape,
  scalar,
  shapesEqual,
  square,
  stopGradient,
  sub,
  toArray,
  type Tensor,
} from '../core/index.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface GaussianNllOptions {
  /** Add the constant 0.5 log(2 pi) to every element. Default false. */
  readonly full?: boolean;
  /** Variances below eps are raised to eps (value only; see gaussianNll). Default 1e-6. */
  readonly eps?: number;
  /** Default 'mean' (over all elements). */
  readonly reduction?: Reduction;
}

/** gaussianNllLogVar needs no clamp, hence no eps. */
export type GaussianNllLogVarOptions = Omit<GaussianNllOptions, 'eps'>;

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * PyTorch's variance shapes for mean [..., D]: the same shape; [..., 1] (one variance per row,
 * broadcast over D); or [...] (one dimension fewer, treated as [..., 1]). A number is a
 * scalar variance shared by every element.
 */
const alignVariance = (api: string, what: string, variance: Tensor | number, mean: Tensor): Tensor => {
  if (typeof variance === 'number') return scalar(mean.backend, variance);
  const shape = mean.shape;
  const rows = shape.slice(0, -1);
  if (shapesEqual(variance.shape, shape)) return variance;
  if (shape.length > 0 && shapesEqual(variance.shape, rows)) return reshape(variance, [...rows, 1]);
  if (shape.length > 0 && variance.shape.length === shape.length && variance.shape[shape.length - 1] === 1 && shapesEqual(variance.shape.slice(0, -1), rows)) {
    return variance;
  }
  const expected = shape.length > 0 ? `${formatShape(shape)}, ${formatShape([...rows, 1])} or ${formatShape(rows)}` : formatShape(shape);
  throw new ShapeError(api, `expected ${what} of shape ${expected} for mean ${formatShape(shape)}, got ${formatShape(variance.shape)}`);
};

/** Shared argument checks; returns the reduction and whether to add the constant. */
const checkCommon = (api: string, mean: Tensor, target: Tensor, options: GaussianNllLogVarOptions): { reduction: Reduction; full: boolean } => {
  const reduction = checkReduction(api, options.reduction ?? 'mean');
  if (!shapesEqual(mean.shape, target.shape)) {
    throw new ShapeError(api, `expected mean and target of the same shape, got mean ${formatShape(mean.shape)} and target ${formatShape(target.shape)}`);
  }
  commonBackend(api, [mean, target]);
  return { reduction, full: options.full ?? false };
};

const finish = (halfTerms: Tensor, full: boolean, reduction: Reduction): Tensor =>
  reduceLoss(full ? add(halfTerms, HALF_LOG_TWO_PI) : halfTerms, reduction);

/**
 * l = 0.5 (log v + (mean - target)^2 / v) (+ 0.5 log(2 pi) when `full`), v = max(variance, eps),
 * per element of mean [..., D]; variance is [..., D], [..., 1], [...] or a number. 'none' returns
 * l in the mean's shape; 'mean' / 'sum' fold all elements to [].
 *
 * The clamp is PyTorch's: invisible to autograd, so the gradient with respect to the variance is
 * that of the formula at v, passed straight through (v = stopGradient(max(variance, eps)) +
 * (variance - stopGradient(variance)), exact in value for every finite variance).
 * Difference from PyTorch: PyTorch raises on a negative variance, which needs the values on the
 * host; this loss is synchronous and clamps instead (a negative variance counts as eps, never NaN).
 * Call `await checkVariance(variance)` where refusing is wanted. A number variance is checked here.
 *
 * @example
 * gaussianNll(mu, y, variance);                        // mu, y, variance: [N, D]
 * gaussianNll(mu, y, sigma2, { full: true });          // sigma2: [N] or [N, 1], shared over D
 */
export const gaussianNll = (mean: Tensor, target: Tensor, variance: Tensor | number, options: GaussianNllOptions = {}): Tensor => {
  const api = 'gaussianNll';
  const { reduction, full } = checkCommon(api, mean, target, options);
  const eps = options.eps ?? 1e-6;
  if (!(Number.isFinite(eps) && eps >= 0)) throw new InvalidArgumentError(api, `expected eps to be a finite number >= 0, got ${eps}`);
  if (typeof variance === 'number' && !(variance >= 0)) {
    throw new InvalidArgumentError(api, `expected a non-negative variance, got ${variance}`);
  }
  const v = alignVariance(api, 'a variance', variance, mean);
  commonBackend(api, [mean, v]);
  const clamped = add(stopGradient(maximum(v, eps)), sub(v, stopGradient(v)));
  return finish(mul(add(log(clamped), div(square(sub(mean, target)), clamped)), 0.5), full, reduction);
};

/**
 * The same likelihood parameterised by s = log variance: l = 0.5 (s + (mean - target)^2 exp(-s))
 * (+ 0.5 log(2 pi) when `full`). Smoother to learn than a variance head (no clamp, no positivity
 * constraint, a gradient in s that stays bounded as the variance shrinks towards the error). logVar
 * takes the variance shapes of gaussianNll. exp(-s) overflows for s below about
 * -88 in float32, where the loss is +Infinity (NaN if mean = target exactly).
 *
 * @example
 * const [mu, logVar] = [head(h, 'mean'), head(h, 'logVar')];
 * gaussianNllLogVar(mu, y, logVar);
 */
export const gaussianNllLogVar = (mean: Tensor, target: Tensor, logVar: Tensor | number, options: GaussianNllLogVarOptions = {}): Tensor => {
  const api = 'gaussianNllLogVar';
  const { reduction, full } = checkCommon(api, mean, target, options);
  const s = alignVariance(api, 'logVar', logVar, mean);
  commonBackend(api, [mean, s]);
  return finish(mul(add(s, mul(square(sub(mean, target)), exp(neg(s)))), 0.5), full, reduction);
};

/**
 * Resolves to `variance` unchanged when every entry is >= 0; rejects with an InvalidArgumentError
 * naming gaussianNll, the number of bad entries and the first one otherwise (NaN counts as bad).
 * The awaited form of PyTorch's check, for callers that want to refuse rather than clamp.
 *
 * @example
 * const loss = gaussianNll(mu, y, await checkVariance(variance));
 */
export const checkVariance = async <T extends Tensor>(variance: T): Promise<T> => {
  const values = await toArray(variance);
  let bad = 0;
  let first = -1;
  values.forEach((v, i) => {
    if (!(v >= 0)) {
      bad += 1;
      if (first < 0) first = i;
    }
  });
  if (bad > 0) {
    throw new InvalidArgumentError('gaussianNll', `expected a non-negative variance, got ${bad} negative or NaN entr${bad === 1 ? 'y' : 'ies'} (first ${values[first]} at flat index ${first})`);
  }
  return variance;
};
