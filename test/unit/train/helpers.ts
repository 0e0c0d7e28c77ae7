/** Shared fixtures for the train tests: a small nested parameter tree and host snapshots of trees. */
import { flattenTree, foldIn, key, normalValues, tensor, toArray, type Backend, type Tensor, type Tree } from '../../../src/core/index.js';

// A type alias, not an interface: only aliases get the implicit index signature that `Tree` needs.
export type Params = {
  readonly layer: { readonly weight: Tensor; readonly bias: Tensor };
  readonly extra: readonly [Tensor];
};

/** Leaf names and shapes in flattenTree order. */
export const LEAVES = [
  ['extra.0', [2]],
  ['layer.bias', [4]],
  ['layer.weight', [3, 4]],
] as const;

/** Float32-representable normals, so float32 and float64 backends start from identical values. */
export const float32Normals = (seed: number, n: number, scale = 1): Float64Array => normalValues(key(seed), n).map((v) => Math.fround(scale * v));

export const initialValues = (): Float64Array[] => LEAVES.map(([, shape], i) => float32Normals(100 + i, shape.reduce((a, b) => a * b, 1)));

export const makeParams = (backend: Backend, values: readonly ArrayLike<number>[] = initialValues()): Params => ({
  extra: [tensor(backend, values[0], [2])],
  layer: { bias: tensor(backend, values[1], [4]), weight: tensor(backend, values[2], [3, 4]) },
});

/** Noise for step t and leaf i, float32-representable. */
export const noise = (t: number, i: number, n: number): Float64Array =>
  normalValues(foldIn(key(7), t * 16 + i), n).map((v) => Math.fround(v));

/** Every leaf downloaded as float64, in flattenTree order. */
export const snapshot = async (tree: Tree): Promise<Float64Array[]> =>
  Promise.all(flattenTree(tree).map(async ([, leaf]) => Float64Array.from(await toArray(leaf))));

/** Largest |a − b| / max(1, |b|) over matching arrays. */
export const maxRelativeError = (actual: readonly ArrayLike<number>[], expected: readonly ArrayLike<number>[]): number => {
  let worst = 0;
  expected.forEach((e, i) => {
    for (let j = 0; j < e.length; j++) worst = Math.max(worst, Math.abs(actual[i][j] - e[j]) / Math.max(1, Math.abs(e[j])));
  });
  return worst;
};
