/**
 * Tensor values that keep away from kinks. Finite differences straddling a kink (relu at 0, a tie
 * in a max, a clamp bound) measure a one-sided mix and fail a correct VJP, so values are moved at
 * least `margin` from every kink and, on request, `margin` apart from one another.
 * Values are uniform in [min, max]. Small tensors draw each value on a fine grid (they shrink to
 * readable counterexamples); large ones draw a PRNG key and expand it (fast; not shrunk).
 */
import fc from 'fast-check';
import { uniformValues } from '../../core/index.js';
import { keyArb } from './keys.js';

export interface ValueConstraints {
  /** Lower bound (inclusive), default -2. Values are only ever moved up, so it always holds. */
  readonly min?: number;
  /** Upper bound of the draw, default 2; moving off kinks may exceed it by a few margins. */
  readonly max?: number;
  /** Points to keep away from (relu at 0, clamp bounds); default [0]. */
  readonly kinks?: readonly number[];
  /** Minimum distance to a kink and, with `distinct`, between values; default 0.01. */
  readonly margin?: number;
  /** Keep values `margin` apart: not at all, within each row of the last axis (softmax, max over
   * rows), or over the whole draw (max over any axes, maximum(a, b) of two jointly drawn tensors). */
  readonly distinct?: 'none' | 'lastAxis' | 'all';
}

/** Values above this count are expanded from a drawn key instead of drawn one by one. */
const SHRINKABLE_UP_TO = 64;

const pushOffKinks = (v: number, kinks: readonly number[], margin: number): number => {
  let x = v;
  for (const k of kinks) if (Math.abs(x - k) < margin) x = k + margin; // kinks sorted ascending: one upward sweep
  return x;
};

/**
 * Moves `values` (in place) off kinks and, within each `[start, end)` group, `margin` apart:
 * in ascending order each value becomes max(itself, previous + margin), then off the kinks.
 */
export const separateValues = (values: Float64Array, groups: readonly (readonly [number, number])[], constraints: ValueConstraints): Float64Array => {
  const kinks = [...(constraints.kinks ?? [0])].sort((a, b) => a - b);
  const margin = constraints.margin ?? 0.01;
  for (const [start, end] of groups) {
    if (end - start === 1) {
      values[start] = pushOffKinks(values[start], kinks, margin);
      continue;
    }
    const order = Array.from({ length: end - start }, (_, i) => start + i).sort((a, b) => values[a] - values[b]);
    let floor = -Infinity;
    for (const i of order) {
      values[i] = pushOffKinks(Math.max(values[i], floor), kinks, margin);
      floor = values[i] + margin;
    }
  }
  return values;
};

/** The groups within which values must be distinct, for a draw of consecutive tensors of `shapes`. */
export const distinctGroups = (shapes: readonly (readonly number[])[], distinct: ValueConstraints['distinct']): Array<readonly [number, number]> => {
  const groups: Array<readonly [number, number]> = [];
  let offset = 0;
  const total = shapes.reduce((n, s) => n + s.reduce((m, d) => m * d, 1), 0);
  if (distinct === 'all') return [[0, total]];
  for (const shape of shapes) {
    const size = shape.reduce((m, d) => m * d, 1);
    const row = distinct === 'lastAxis' && shape.length > 0 ? shape[shape.length - 1] : 1;
    for (let start = 0; start < size; start += Math.max(row, 1)) groups.push([offset + start, offset + Math.min(start + Math.max(row, 1), size)]);
    offset += size;
  }
  return groups;
};

/** Grid points per unit of a drawn value: 2^16, so values are dyadic and exact in float32 too. */
const RESOLUTION = 65536;

/**
 * A number uniform in [min, max] on a grid of step 2^-16, shrinking towards the point of the
 * range nearest 0. (`fc.double` draws uniformly over representations, so nearly all of its
 * values in [-2, 2] are below 1e-3: as tensor entries they would be one constant.)
 */
export const uniformArb = (min: number, max: number): fc.Arbitrary<number> => {
  if (!(min <= max)) throw new RangeError(`uniformArb: expected min <= max, got min ${min}, max ${max}`);
  const centre = Math.min(Math.max(0, min), max);
  const below = Math.floor((centre - min) * RESOLUTION);
  const above = Math.floor((max - centre) * RESOLUTION);
  return fc.noBias(fc.integer({ min: -below, max: above })).map((i) => centre + i / RESOLUTION);
};

/** `size` raw values in [min, max], before any separation. */
const rawValuesArb = (size: number, min: number, max: number): fc.Arbitrary<Float64Array> =>
  size <= SHRINKABLE_UP_TO
    ? fc.array(uniformArb(min, max), { minLength: size, maxLength: size }).map((xs) => Float64Array.from(xs))
    : fc.noShrink(keyArb()).map((k) => uniformValues(k, size).map((u) => min + (max - min) * u));

/** Values for consecutive tensors of `shapes`, separated as the constraints ask. */
export const valuesArb = (shapes: readonly (readonly number[])[], constraints: ValueConstraints = {}): fc.Arbitrary<Float64Array> => {
  const { min = -2, max = 2 } = constraints;
  if (!(min <= max)) throw new RangeError(`valuesArb: expected min <= max, got min ${min}, max ${max}`);
  const groups = distinctGroups(shapes, constraints.distinct ?? 'none');
  const size = shapes.reduce((n, s) => n + s.reduce((m, d) => m * d, 1), 0);
  return rawValuesArb(size, min, max).map((raw) => separateValues(raw, groups, constraints));
};
