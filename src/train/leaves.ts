/**
 * @internal Leafwise work over several trees of one structure, producing several trees at once
 * (Adam maps (g, m, v) to (update, m', v') in one visit per leaf instead of three tree zips).
 */
import { flattenTree, formatShape, InvalidArgumentError, shapesEqual, unflattenTree, type Tensor, type Tree } from '../core/index.js';

/**
 * Calls `f` once per leaf with the leaves of `trees` at that path (all of one shape); returns
 * `outputs` trees, each with the structure of `trees[0]`. Throws, naming `api` and `what`, when
 * the structures or leaf shapes differ.
 */
export const mapLeaves = <P extends Tree>(
  api: string,
  what: string,
  trees: readonly [P, ...Tree[]],
  outputs: number,
  f: (leaves: readonly Tensor[], path: string) => readonly Tensor[],
): readonly P[] => {
  const flats = trees.map((t) => flattenTree(t));
  const names = flats[0].map(([name]) => name);
  for (let t = 1; t < flats.length; t++) {
    const flat = flats[t];
    if (flat.length !== names.length || flat.some(([name], i) => name !== names[i])) {
      throw new InvalidArgumentError(
        api,
        `expected ${what} to have the structure of the gradients [${names.join(', ')}], got [${flat.map(([name]) => name).join(', ')}]`,
      );
    }
    flat.forEach(([name, leaf], i) => {
      const expected = flats[0][i][1].shape;
      if (!shapesEqual(leaf.shape, expected)) {
        throw new InvalidArgumentError(api, `expected ${what} '${name}' of shape ${formatShape(expected)} (the gradient's), got ${formatShape(leaf.shape)}`);
      }
    });
  }
  const columns: Tensor[][] = Array.from({ length: outputs }, () => []);
  names.forEach((name, i) => {
    const results = f(
      flats.map((flat) => flat[i][1]),
      name,
    );
    for (let k = 0; k < outputs; k++) columns[k].push(results[k]);
  });
  return columns.map((leaves) => unflattenTree(trees[0], leaves));
};

/** Throws unless `params` were passed to an update that reads them. */
export const requireParams = <P extends Tree>(api: string, params: P | undefined): P => {
  if (params === undefined) throw new InvalidArgumentError(api, 'expected the current params as the third argument of update(grads, state, params), got undefined');
  return params;
};
