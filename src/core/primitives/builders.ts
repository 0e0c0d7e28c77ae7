/**
 * Rule builders that keep the elementwise primitives to a few lines each: the shape rule and
 * the kernel call are the same for every unary op, and for every broadcasting binary op.
 */
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { broadcastShapes } from '../shape.js';
import { scalar, type Tensor } from '../tensor.js';
import type { PrimitiveDef, VjpContext } from './primitive.js';

export type Operand = Tensor | number;

/** Turns a JS number into a scalar tensor on the backend of `like`. */
export const lift = (x: Operand, like: Tensor): Tensor => (typeof x === 'number' ? scalar(like.backend, x) : x);

/** Lifts a pair of operands where at least one is a tensor. */
export const liftPair = (api: string, a: Operand, b: Operand): readonly [Tensor, Tensor] => {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError(`${api}: expected at least one tensor, got two numbers`);
  const like = typeof a === 'number' ? (b as Tensor) : a;
  return [lift(a, like), lift(b, like)];
};

export const unaryDef = (
  op: UnaryOp,
  vjp: (ct: Tensor, context: VjpContext<undefined, undefined>) => readonly (Tensor | undefined)[],
): PrimitiveDef<undefined> => ({
  name: op,
  shapeRule: ([x]) => x,
  forward: (backend, [x]) => ({ buffer: backend.unary(op, x.buffer, x.shape), residual: undefined }),
  vjp,
});

export const binaryDef = (
  op: BinaryOp,
  vjp: (ct: Tensor, context: VjpContext<undefined, undefined>) => readonly (Tensor | undefined)[],
): PrimitiveDef<undefined> => ({
  name: op,
  shapeRule: ([a, b]) => broadcastShapes(op, a, b),
  forward: (backend, [a, b], _params, outShape) => ({
    buffer: backend.binary(op, a.buffer, a.shape, b.buffer, b.shape, outShape),
    residual: undefined,
  }),
  vjp,
});
