import { ShapeError } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';

/** Permutes axes: out.shape[i] = x.shape[perm[i]]. The VJP applies the inverse permutation. */
export const transposeDef: PrimitiveDef<{ readonly perm: readonly number[] }> = {
  name: 'transpose',
  shapeRule: ([x], { perm }) => {
    const valid = perm.length === x.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!valid) throw new ShapeError('transpose', `expected a permutation of 0..${x.length - 1}, got [${perm.join(', ')}]`);
    return perm.map((p) => x[p]);
  },
  forward: (backend, [x], { perm }) => ({ buffer: backend.transpose(x.buffer, x.shape, perm), residual: undefined }),
  vjp: (ct, { params: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(ct, inverse)];
  },
};

/** Permutes axes; with no `perm`, reverses them (a matrix transpose for rank 2). */
export const transpose = (x: Tensor, perm?: readonly number[]): Tensor => {
  const order = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  return bind(transposeDef, [x], { perm: order });
};

export type Transposed<S extends Shape> = S extends readonly [infer A extends number, infer B extends number] ? readonly [B, A] : Shape;
