import { broadcastShapes } from '../shape.js';
import { liftPair, type Operand } from './builders.js';
import { bind, zeroVjp, type PrimitiveDef } from './primitive.js';
import type { Tensor } from '../tensor.js';

export type Comparison = 'greater' | 'greaterEqual' | 'equal';

/** 1 where `a op b` holds, else 0, with broadcasting. Piecewise constant: no gradient. */
export const compareDef: PrimitiveDef<{ readonly op: Comparison }> = {
  name: 'compare',
  shapeRule: ([a, b], { op }) => broadcastShapes(op, a, b),
  forward: (backend, [a, b], { op }, outShape) => ({
    buffer: backend.binary(op, a.buffer, a.shape, b.buffer, b.shape, outShape),
    residual: undefined,
  }),
  vjp: zeroVjp,
};
export const compare = (op: Comparison, a: Operand, b: Operand): Tensor => bind(compareDef, liftPair(op, a, b), { op });
