/**
 * Fan-out with a merge: every branch gets the same input, and `merge` turns the record of their
 * outputs into the result (`addAll`, `multiplyAll`, `concatAll`, or your own function, e.g. one
 * returning `{ mu, logVar }` for a Gaussian head). Params are named by branch, as in a PyTorch
 * module with one attribute per branch: `block.a.weight`. Values and gradients come from the
 * branches and the merge through the same autodiff: x's cotangent is the sum of the branches'.
 *
 * Types: the branches must agree on the input where their sizes are literals (else the branch
 * that disagrees is a compile error), the merge sees each branch's output type, and the layer's
 * output type is the merge's.
 *
 * @example
 * const block = parallel({ a: dense(4, 3), b: dense(4, 5) }, concatAll);   // [N, 4] -> [N, 8]
 * const head = parallel({ mu: dense(64, 1), logVar: dense(64, 1) }, (out) => out);   // -> { mu, logVar }
 */
import { InvalidArgumentError, ShapeError, split, type Tensor } from '../core/index.js';
import { apiName, applyEntry, checkEntry, checkEntryName, checkIntegerNames, childContext, childPath, describeEntry, initNamed, isLayer, isRowwise, type Entry } from './entries.js';
import type { EntryInput, EntryOutput, NamedParams } from './entry-types.js';
import { evalContext, type ApplyContext, type Layer } from './layer.js';
import type { MergeContext } from './merges.js';
import type { CommonShape, FitsAll, FormatShape, ShapeMismatch, ShapeOf } from './shape-types.js';

export interface ParallelOptions {
  /** Names the block in errors; otherwise the container's name for it is used. */
  readonly name?: string;
}

type Branches = Readonly<Record<string, Entry>>;

type InputShapes<B, Except = never> = { [K in Exclude<keyof B, Except>]: ShapeOf<EntryInput<B[K]>> }[Exclude<keyof B, Except>];

/** The input all branches take: the one shape they spell out, or `Tensor` when none does. */
export type ParallelInput<B> = Tensor<CommonShape<InputShapes<B>>>;

/** Each branch's output for the common input. */
export type ParallelOutputs<B> = { readonly [K in keyof B]: EntryOutput<B[K], ParallelInput<B>> };

/** `unknown` per branch whose input fits the other branches', else the reason. */
export type BranchesAgree<B> = {
  readonly [K in keyof B]: FitsAll<ShapeOf<EntryInput<B[K]>>, InputShapes<B, K>> extends infer Reason
    ? Reason extends true
      ? unknown
      : ShapeMismatch<`parallel: branch '${K & string}' takes ${FormatShape<ShapeOf<EntryInput<B[K]>>>}, which another branch does not accept (${Reason & string})`>
    : never;
};

/** `parallel(branches, merge)`; see the module doc. */
export const parallel = <const B extends Branches, O>(
  branches: B & BranchesAgree<B>,
  // (ParallelOutputs<B> and ParallelInput<B> spelled out, so that editors show the types themselves.)
  merge: (outputs: { readonly [K in keyof B]: EntryOutput<B[K], Tensor<CommonShape<InputShapes<B>>>> }, context: MergeContext) => O,
  options: ParallelOptions = {},
): Layer<{ readonly [K in keyof NamedParams<B>]: NamedParams<B>[K] }, Tensor<CommonShape<InputShapes<B>>>, O> => {
  if (typeof branches !== 'object' || branches === null) throw new InvalidArgumentError('parallel', `expected a record of branches, got ${String(branches)}`);
  if (typeof merge !== 'function') throw new InvalidArgumentError('parallel', `expected a merge function, got ${typeof merge}`);
  const names = Object.keys(branches);
  if (names.length === 0) throw new InvalidArgumentError('parallel', 'expected at least one branch, got {}');
  const entries = names.map((name) => [name, (branches as Branches)[name]] as const);
  for (const [name, entry] of entries) {
    checkEntryName('parallel', name);
    checkEntry('parallel', name, entry);
  }
  checkIntegerNames('parallel', names);
  const layerNames = entries.filter(([, entry]) => isLayer(entry)).map(([name]) => name);
  const mergeName = merge.name || 'merge';

  const apply = (params: Readonly<Record<string, never>>, x: Tensor, context: ApplyContext = evalContext): O => {
    const api = apiName('parallel', options.name, context);
    if (typeof params !== 'object' || params === null) throw new ShapeError(api, `expected a params record, got ${String(params)}`);
    const unknown = Object.keys(params).filter((name) => !layerNames.includes(name));
    if (unknown.length > 0) throw new ShapeError(api, `params have entries [${unknown.join(', ')}] that are not branches of this block (branches with params: ${layerNames.join(', ')})`);
    const keys = context.key === undefined ? undefined : split(context.key, entries.length);
    const outputs: Record<string, Tensor> = {};
    entries.forEach(([name, entry], i) => {
      outputs[name] = applyEntry(entry, params[name], x, childContext(context, childPath(context, name), keys?.[i]));
    });
    return merge(outputs as ParallelOutputs<B>, { api });
  };

  return {
    describe: `parallel(${entries.map(([name, entry]) => `${name}: ${describeEntry(entry)}`).join(', ')}; ${mergeName})`,
    init: (key, backend) => initNamed(entries, key, backend) as never,
    apply: apply as never,
    rowwise: entries.every(([, entry]) => isRowwise(entry)) && (merge as Partial<{ rowwise: boolean }>).rowwise === true,
  };
};
