import type { Tensor } from '../tensor.js';
import { compare } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import type { PrimitiveDef } from './primitive.js';
import { reshape } from './reshape.js';
import { reduceWith, reducedShape, sum, type ReduceOptions } from './sum.js';

/** Max over `axes`. On ties the cotangent is split equally among the maxima (as JAX does). */
export const maxDef: PrimitiveDef<{ readonly axes: readonly number[] }> = {
  name: 'max',
  shapeRule: ([x], { axes }) => reducedShape(x, axes, false),
  forward: (backend, [x], { axes }) => ({ buffer: backend.reduce('max', x.buffer, x.shape, axes), residual: undefined }),
  vjp: (ct, { inputs: [x], out, params: { axes } }) => {
    const kept = reducedShape(x.shape, axes, true);
    const isMax = compare('equal', x, reshape(out, kept));
    const share = div(reshape(ct, kept), sum(isMax, { axes, keepDims: true }));
    return [mul(isMax, share)];
  },
};

export const max = (x: Tensor, options: ReduceOptions = {}): Tensor => reduceWith(maxDef, x, options);
