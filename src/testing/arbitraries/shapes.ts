/**
 * Shapes and shape relations: plain shapes with rank and size bounds, pairs that broadcast
 * together (NumPy rules: align right, sizes equal or 1), axis subsets and axis permutations.
 *
 * @example
 * test.prop([broadcastPairArb({ maxRank: 3 })])('add broadcasts', ([a, b]) => { ... });
 */
import fc from 'fast-check';
import { sizeOf, type Shape } from '../../core/index.js';

export interface ShapeConstraints {
  /** Default 0 (a scalar). */
  readonly minRank?: number;
  /** Default 3. */
  readonly maxRank?: number;
  /** Smallest size of an axis, default 1 (0 gives empty tensors). */
  readonly minDim?: number;
  /** Default 5. */
  readonly maxDim?: number;
  /** Upper bound on the number of elements, default unbounded. */
  readonly maxSize?: number;
}

export const shapeArb = (constraints: ShapeConstraints = {}): fc.Arbitrary<Shape> => {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 5, maxSize = Infinity } = constraints;
  const shapes = fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
  return maxSize === Infinity ? shapes : shapes.filter((shape) => sizeOf(shape) <= maxSize);
};

/** One operand's shape inside `out`: some leading axes dropped, some axes set to 1. */
const operandOf = (out: Shape): fc.Arbitrary<Shape> =>
  fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** Two shapes that broadcast together (their broadcast is at most the drawn `out` shape). */
export const broadcastPairArb = (constraints: ShapeConstraints = {}): fc.Arbitrary<readonly [Shape, Shape]> =>
  shapeArb(constraints).chain((out) => fc.tuple(operandOf(out), operandOf(out)));

/** A shape and one that it broadcasts to (for broadcastTo): `[from, to]`. */
export const broadcastableToArb = (constraints: ShapeConstraints = {}): fc.Arbitrary<readonly [Shape, Shape]> =>
  shapeArb(constraints).chain((to) => operandOf(to).map((from) => [from, to] as const));

/** A sorted subset of the axes of a rank-`rank` shape (possibly all, at least `min`). */
export const axesArb = (rank: number, min = 1): fc.Arbitrary<readonly number[]> =>
  fc.subarray(Array.from({ length: rank }, (_, i) => i), { minLength: Math.min(min, rank) });

/** A permutation of 0..rank-1. */
export const permutationArb = (rank: number): fc.Arbitrary<readonly number[]> =>
  fc.shuffledSubarray(Array.from({ length: rank }, (_, i) => i), { minLength: rank, maxLength: rank });
