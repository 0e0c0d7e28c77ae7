/**
 * Parameter trees: nested readonly records and arrays whose leaves are tensors (Equinox's "the
 * model is a value"). Trees are mapped and zipped out of place; flattening gives PyTorch's
 * dotted `state_dict` names (`lin_1.weight`, `blocks.0.bias`) in a stable key order.
 *
 * @example
 * treeMap(params, (w) => mul(w, 0.5));            // same structure, new leaves
 * flattenTree(params).map(([name]) => name);      // ['lin_1.weight', 'lin_1.bias', ...]
 */
import { ShapeError } from './errors.js';
import { isTensor, type Tensor } from './tensor.js';

export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** Replaces every tensor leaf type of T by L. */
export type TreeOf<T, L> = T extends Tensor ? L : { readonly [K in keyof T]: TreeOf<T[K], L> };

const isRecord = (t: unknown): t is { readonly [key: string]: Tree } => typeof t === 'object' && t !== null && !Array.isArray(t) && !isTensor(t);

/** Leaves in a deterministic order: arrays by index, records by sorted key. */
export const flattenTree = (tree: Tree, prefix = ''): ReadonlyArray<readonly [string, Tensor]> => {
  if (isTensor(tree)) return [[prefix, tree]];
  const join = (key: string) => (prefix === '' ? key : `${prefix}.${key}`);
  if (Array.isArray(tree)) return tree.flatMap((child: Tree, i) => flattenTree(child, join(String(i))));
  if (isRecord(tree)) return Object.keys(tree).sort().flatMap((key) => flattenTree(tree[key], join(key)));
  throw new TypeError(`flattenTree: expected a tensor, an array or a record at '${prefix}', got ${typeof tree}`);
};

export const treeLeaves = (tree: Tree): Tensor[] => flattenTree(tree).map(([, t]) => t);

/** Rebuilds a tree of the same structure as `like` from leaves in `flattenTree` order. */
export const unflattenTree = <T extends Tree>(like: T, leaves: readonly Tensor[]): T => {
  let next = 0;
  const build = (node: Tree, path: string): Tree => {
    if (isTensor(node)) {
      const leaf = leaves[next++];
      if (leaf === undefined) throw new ShapeError('unflattenTree', `expected a leaf for '${path}', ran out after ${next - 1}`);
      return leaf;
    }
    if (Array.isArray(node)) return node.map((child: Tree, i) => build(child, `${path}.${i}`));
    const record = node as { readonly [key: string]: Tree };
    const out: Record<string, Tree> = {};
    for (const key of Object.keys(record).sort()) out[key] = build(record[key], path === '' ? key : `${path}.${key}`);
    return out;
  };
  const result = build(like, '') as T;
  if (next !== leaves.length) throw new ShapeError('unflattenTree', `expected ${next} leaves, got ${leaves.length}`);
  return result;
};

/** Applies `f` to every leaf, keeping the structure (and the dotted path, for error messages). */
export const treeMap = <T extends Tree>(tree: T, f: (leaf: Tensor, path: string) => Tensor): T => {
  const entries = flattenTree(tree);
  return unflattenTree(tree, entries.map(([path, leaf]) => f(leaf, path)));
};

/** Applies `f` leafwise to several trees of identical structure. */
export const treeZip = <T extends Tree>(trees: readonly [T, ...Tree[]], f: (leaves: readonly Tensor[], path: string) => Tensor): T => {
  const flats = trees.map((t) => flattenTree(t));
  const names = flats[0].map(([name]) => name);
  for (const flat of flats) {
    if (flat.length !== names.length || flat.some(([name], i) => name !== names[i])) {
      throw new ShapeError('treeZip', `trees differ in structure: [${names.join(', ')}] vs [${flat.map(([n]) => n).join(', ')}]`);
    }
  }
  return unflattenTree(trees[0], names.map((name, i) => f(flats.map((flat) => flat[i][1]), name)));
};
