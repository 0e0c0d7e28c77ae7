/**
 * Composite ops built only from primitives: they need no gradient rule of their own.
 */
import { add } from './primitives/add.js';
import { div } from './primitives/div.js';
import { exp } from './primitives/exp.js';
import { log } from './primitives/log.js';
import { max } from './primitives/max.js';
import { mul } from './primitives/mul.js';
import { reshape } from './primitives/reshape.js';
import { stopGradient } from './primitives/stop-gradient.js';
import { sub } from './primitives/sub.js';
import { sum, reducedShape, type ReduceOptions } from './primitives/sum.js';
import { normaliseAxes } from './shape.js';
import type { Tensor } from './tensor.js';

/** Mean over `axes` (all when omitted). */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => {
  const requested = options.axes === undefined ? x.shape.map((_, i) => i) : typeof options.axes === 'number' ? [options.axes] : options.axes;
  const axes = normaliseAxes('mean', requested, x.shape.length);
  const count = axes.reduce((n, axis) => n * x.shape[axis], 1);
  return div(sum(x, { axes, keepDims: options.keepDims ?? false }), count);
};

export const square = (x: Tensor): Tensor => mul(x, x);

/** log(sum(exp(x))) over `axis`, shifted by the (gradient-stopped) max so it never overflows. */
export const logSumExp = (x: Tensor, options: { readonly axis?: number; readonly keepDims?: boolean } = {}): Tensor => {
  const axis = normaliseAxes('logSumExp', [options.axis ?? -1], x.shape.length);
  const shift = stopGradient(max(x, { axes: axis, keepDims: true }));
  const lse = add(log(sum(exp(sub(x, shift)), { axes: axis, keepDims: true })), shift);
  return options.keepDims === true ? lse : reshape(lse, reducedShape(x.shape, axis, false));
};
