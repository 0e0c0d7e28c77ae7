/**
 * Tensors on a given backend with kink-free values (see values.ts). A drawn tensor prints as
 * `tensor([2, 3], [0.5, -1.25, ...])` in fast-check's counterexamples instead of its buffer.
 *
 * @example
 * test.prop([tensorArb(reference, shapeArb({ maxRank: 2 }), { min: 0.1 })])('log', async (x) => assertVjp(log, [x]));
 */
import fc from 'fast-check';
import { formatShape, tensor, type Backend, type Shape, type Tensor } from '../../core/index.js';
import { valuesArb, type ValueConstraints } from './values.js';

const PRINTED_VALUES = 8;

/** A copy of `value` that fast-check prints as `text`. Symbol keys are invisible to trees and tensors. */
export const withDescription = <T extends object>(value: T, text: string): T => {
  const described = Array.isArray(value) ? [...value] : { ...value };
  return Object.assign(described, { [fc.toStringMethod]: () => text }) as T;
};

export const describeTensor = (shape: Shape, values: ArrayLike<number>): string => {
  const shown = Array.from({ length: Math.min(values.length, PRINTED_VALUES) }, (_, i) => Number(values[i].toPrecision(6)));
  return `tensor(${formatShape(shape)}, [${shown.join(', ')}${values.length > PRINTED_VALUES ? `, … ${values.length - PRINTED_VALUES} more` : ''}])`;
};

const build = (backend: Backend, shape: Shape, values: Float64Array): Tensor => withDescription(tensor(backend, values, shape), describeTensor(shape, values));

/** Tensors of the given shapes, drawn jointly: `distinct: 'all'` keeps every value of every tensor apart. */
export const tensorsArb = (backend: Backend, shapes: readonly Shape[], constraints: ValueConstraints = {}): fc.Arbitrary<Tensor[]> =>
  valuesArb(shapes, constraints).map((values) => {
    let offset = 0;
    return shapes.map((shape) => {
      const size = shape.reduce((n, d) => n * d, 1);
      const slice = values.slice(offset, offset + size);
      offset += size;
      return build(backend, shape, slice);
    });
  });

/** One tensor of a fixed shape or of shapes drawn from an arbitrary. */
export const tensorArb = (backend: Backend, shape: Shape | fc.Arbitrary<Shape>, constraints: ValueConstraints = {}): fc.Arbitrary<Tensor> =>
  shape instanceof fc.Arbitrary
    ? shape.chain((s) => tensorsArb(backend, [s], constraints).map(([t]) => t))
    : tensorsArb(backend, [shape], constraints).map(([t]) => t);
