import { ShapeError } from '../errors.js';
import { broadcastShapes, formatShape, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';

/**
 * Materialises NumPy broadcasting. The VJP is the identity: the central backward pass sums
 * the cotangent down to the input's shape, as for every broadcasting op.
 */
export const broadcastToDef: PrimitiveDef<{ readonly shape: Shape }> = {
  name: 'broadcastTo',
  shapeRule: ([x], { shape }) => {
    if (!shapesEqual(broadcastShapes('broadcastTo', x, shape), shape)) {
      throw new ShapeError('broadcastTo', `cannot broadcast ${formatShape(x)} to ${formatShape(shape)}`);
    }
    return shape;
  },
  forward: (backend, [x], { shape }) => ({ buffer: backend.broadcastTo(x.buffer, x.shape, shape), residual: undefined }),
  vjp: (ct) => [ct],
};

export const broadcastTo = <const S extends Shape>(x: Tensor, shape: S): Tensor<S> =>
  (shapesEqual(x.shape, shape) ? x : bind(broadcastToDef, [x], { shape })) as Tensor<S>;
