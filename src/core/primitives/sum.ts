import { normaliseAxes, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { bind, type PrimitiveDef } from './primitive.js';
import { reshape } from './reshape.js';

/** Shape of `shape` with `axes` removed, or kept as size 1. */
export const reducedShape = (shape: Shape, axes: readonly number[], keepDims: boolean): Shape =>
  keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));

/** Sum over `axes` (sorted, normalised); the VJP broadcasts the cotangent back. */
export const sumDef: PrimitiveDef<{ readonly axes: readonly number[] }> = {
  name: 'sum',
  shapeRule: ([x], { axes }) => reducedShape(x, axes, false),
  forward: (backend, [x], { axes }) => ({ buffer: backend.reduce('sum', x.buffer, x.shape, axes), residual: undefined }),
  vjp: (ct, { inputs: [x], params: { axes } }) => [broadcastTo(reshape(ct, reducedShape(x.shape, axes, true)), x.shape)],
};

export interface ReduceOptions {
  /** Axes to reduce (negative counts from the end); all axes when omitted. */
  readonly axes?: number | readonly number[];
  readonly keepDims?: boolean;
}

/** @internal shared argument handling of sum / max / mean. */
export const reduceWith = (def: PrimitiveDef<{ readonly axes: readonly number[] }>, x: Tensor, options: ReduceOptions): Tensor => {
  const requested = options.axes === undefined ? x.shape.map((_, i) => i) : typeof options.axes === 'number' ? [options.axes] : options.axes;
  const axes = normaliseAxes(def.name, requested, x.shape.length);
  const out = bind(def, [x], { axes });
  return options.keepDims === true ? reshape(out, reducedShape(x.shape, axes, true)) : out;
};

export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor => reduceWith(sumDef, x, options);
