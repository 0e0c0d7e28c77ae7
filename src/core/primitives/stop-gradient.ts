import type { Tensor } from '../tensor.js';
import { bind, zeroVjp, type PrimitiveDef } from './primitive.js';

/** Identity forward, zero gradient: the value is treated as a constant by autodiff. */
export const stopGradientDef: PrimitiveDef<undefined> = {
  name: 'stopGradient',
  shapeRule: ([x]) => x,
  forward: (_backend, [x]) => ({ buffer: x.buffer, residual: undefined }),
  vjp: zeroVjp,
};
export const stopGradient = <T extends Tensor>(x: T): T => bind(stopGradientDef, [x], undefined) as T;
