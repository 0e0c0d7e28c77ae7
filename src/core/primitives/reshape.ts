import { ShapeError } from '../errors.js';
import { checkShape, formatShape, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';

/** Same values, new shape (row-major). Free: the buffer is shared, which immutability makes safe. */
export const reshapeDef: PrimitiveDef<{ readonly shape: Shape }> = {
  name: 'reshape',
  shapeRule: ([x], { shape }) => {
    checkShape('reshape', shape);
    if (sizeOf(x) !== sizeOf(shape)) {
      throw new ShapeError('reshape', `cannot reshape ${formatShape(x)} (${sizeOf(x)} elements) to ${formatShape(shape)} (${sizeOf(shape)} elements)`);
    }
    return shape;
  },
  forward: (_backend, [x]) => ({ buffer: x.buffer, residual: undefined }),
  vjp: (ct, { inputs: [x] }) => [reshape(ct, x.shape)],
};

/** Reshape; one entry may be -1 and is then inferred. */
export const reshape = <const S extends Shape>(x: Tensor, shape: S): Tensor<S> => {
  const inferred = shape.indexOf(-1);
  let target: Shape = shape;
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError('reshape', `cannot infer -1 in ${formatShape(shape)} for ${x.size} elements`);
    }
    target = shape.map((d, i) => (i === inferred ? x.size / known : d));
  }
  return bind(reshapeDef, [x], { shape: target }) as Tensor<S>;
};
