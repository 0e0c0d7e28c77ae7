import { ShapeError } from '../errors.js';
import { formatShape, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';
import { slice } from './slice.js';

/**
 * Joins tensors along one axis (torch.cat, jnp.concatenate): a copy, linear in the values. The
 * VJP hands each input the slice of the cotangent that its values went to.
 */
export const concatDef: PrimitiveDef<{ readonly axis: number }> = {
  name: 'concat',
  shapeRule: (shapes, { axis }) => {
    const [first] = shapes;
    const all = (): string => shapes.map(formatShape).join(', ');
    if (first === undefined) throw new ShapeError('concat', 'expected at least one tensor, got none');
    if (first.length === 0) throw new ShapeError('concat', `expected tensors of rank >= 1, got scalars: ${all()}`);
    if (!Number.isInteger(axis) || axis < 0 || axis >= first.length) {
      throw new ShapeError('concat', `axis ${axis} is out of range for rank ${first.length} (shapes ${all()})`);
    }
    const others = (s: Shape): Shape => s.filter((_, a) => a !== axis);
    shapes.forEach((s, k) => {
      if (s.length !== first.length || !shapesEqual(others(s), others(first))) {
        throw new ShapeError('concat', `expected shapes that differ only on axis ${axis}, got ${all()} (tensor ${k} is ${formatShape(s)}, tensor 0 is ${formatShape(first)})`);
      }
    });
    return first.map((d, a) => (a === axis ? shapes.reduce((n, s) => n + s[axis], 0) : d));
  },
  forward: (backend, inputs, { axis }, outShape) => ({
    buffer: backend.concat(inputs.map(({ buffer, shape }) => ({ buffer, shape })), axis, outShape),
    residual: undefined,
  }),
  vjp: (ct, { inputs, params: { axis }, needsGrad }) => {
    let offset = 0;
    return inputs.map((x, k) => {
      const begin = ct.shape.map((_, a) => (a === axis ? offset : 0));
      offset += x.shape[axis];
      return needsGrad[k] ? slice(ct, begin, x.shape) : undefined;
    });
  },
};

/**
 * `tensors` joined along `axis` (default 0; negative counts from the end), in order: shapes
 * `[2, 3]` and `[2, 5]` on axis 1 give `[2, 8]`. Every other axis must agree. One tensor is
 * returned as it is.
 */
export const concat = (tensors: readonly Tensor[], axis = 0): Tensor => {
  if (tensors.length === 0) throw new ShapeError('concat', 'expected at least one tensor, got none');
  const rank = tensors[0].shape.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (tensors.length === 1 && Number.isInteger(resolved) && resolved >= 0 && resolved < rank) return tensors[0];
  return bind(concatDef, [...tensors], { axis: resolved });
};
