/**
 * Shapes at run time. A shape is a readonly tuple of non-negative integers, row-major. At the
 * type level a `Shape` may carry literal sizes (`readonly [256, 784]`) so that layers with sizes
 * known at compile time type-check their composition; a `number` entry means "known at run time".
 */
import { ShapeError } from './errors.js';

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export const sizeOf = (shape: Shape): number => {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
};

/** Row-major strides of a shape, in elements. */
export const stridesOf = (shape: Shape): number[] => {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
};

export const shapesEqual = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

export const formatShape = (shape: Shape): string => `[${shape.join(', ')}]`;

/** Throws unless `shape` is a list of non-negative integers. */
export const checkShape = (api: string, shape: Shape): void => {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(api, `expected a shape of non-negative integers, got ${formatShape(shape)}`);
    }
  }
};

/** NumPy broadcasting: align on the right, sizes must be equal or 1. */
export const broadcastShapes = (api: string, a: Shape, b: Shape): Shape => {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(api, `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
};

/** Normalises possibly negative axes against a rank; throws on out-of-range or repeated axes. */
export const normaliseAxes = (api: string, axes: readonly number[], rank: number): number[] => {
  const out = axes.map((axis) => (axis < 0 ? axis + rank : axis));
  for (let i = 0; i < out.length; i++) {
    if (!Number.isInteger(out[i]) || out[i] < 0 || out[i] >= rank) {
      throw new ShapeError(api, `axis ${axes[i]} is out of range for rank ${rank}`);
    }
    if (out.indexOf(out[i]) !== i) throw new ShapeError(api, `axis ${axes[i]} is repeated in [${axes.join(', ')}]`);
  }
  return out.sort((x, y) => x - y);
};
