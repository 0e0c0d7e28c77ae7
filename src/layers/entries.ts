/**
 * What the combinators (sequential, parallel, residual, map) compose: entries that are layers
 * (`{ init, apply }`) or parameter-free tensor functions (`relu`). This module holds the run-time
 * side they share: recognising entries, naming them in errors, initialising named children with
 * their own keys, and passing the apply context down with a dotted path.
 */
import { InvalidArgumentError, isTensor, split, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { gelu, leakyRelu, logSigmoid, logSoftmax, relu, sigmoid, softmax, softplus, tanh } from './activations.js';
import { evalContext, type ApplyContext, type Layer, type NoParams } from './layer.js';

// `any` because Layer is invariant in its params: any layer, whatever its types, is an entry.
export type AnyLayer = Layer<any, any, any>;

/** A layer, or a parameter-free tensor function applied as is (`relu`, `(x) => leakyRelu(x, 0.2)`). */
export type Entry = AnyLayer | ((x: never) => Tensor);

export const isLayer = (entry: unknown): entry is AnyLayer =>
  typeof entry === 'object' && entry !== null && typeof (entry as AnyLayer).init === 'function' && typeof (entry as AnyLayer).apply === 'function';

export const EMPTY: NoParams = Object.freeze({});

const isEmptyTree = (tree: Tree): boolean => !isTensor(tree) && (Array.isArray(tree) ? tree.length === 0 : Object.keys(tree).length === 0);

export const describeEntry = (entry: Entry): string => (typeof entry === 'function' ? entry.name || 'function' : entry.describe);

/** The API name for errors: `residual(block)` inside a container, `residual` at the top. */
export const apiName = (kind: string, name: string | undefined, context: ApplyContext | undefined): string => {
  const label = name ?? context?.path;
  return label === undefined ? kind : `${kind}(${label})`;
};

/** `path.name`, or `name` at the top level. */
export const childPath = (context: ApplyContext, name: string): string => (context.path === undefined ? name : `${context.path}.${name}`);

/** The context a child runs in: the same mode, its own key (if any) and its dotted path. */
export const childContext = (context: ApplyContext, path: string | undefined, key: Key | undefined): ApplyContext => ({
  train: context.train,
  ...(key === undefined ? {} : { key }),
  ...(path === undefined ? {} : { path }),
});

/** Applies an entry: a layer with its params and context, a function to the tensor alone. */
export const applyEntry = (entry: Entry, params: Tree | undefined, x: Tensor, context: ApplyContext = evalContext): Tensor =>
  isLayer(entry) ? entry.apply(params ?? EMPTY, x, context) : (entry as (x: Tensor) => Tensor)(x);

/**
 * The exported activations act on the last axis at most, so they are row-wise; any other
 * function is not assumed to be (`(x) => div(x, sum(x))` mixes rows). Never mutated.
 */
const ROWWISE_FUNCTIONS: ReadonlySet<unknown> = new Set<unknown>([relu, leakyRelu, sigmoid, logSigmoid, tanh, gelu, softplus, softmax, logSoftmax]);

/** See `Layer.rowwise`. */
export const isRowwise = (entry: Entry): boolean => (isLayer(entry) ? entry.rowwise === true : ROWWISE_FUNCTIONS.has(entry));

/** Names become parameter names (`lin_1.weight`), so they must be non-empty and dot-free. */
export const checkEntryName = (api: string, name: string): void => {
  if (name === '' || name.includes('.')) throw new InvalidArgumentError(api, `expected entry names without '.', got '${name}' (dots separate levels in parameter names)`);
};

export const checkEntry = (api: string, name: string, entry: unknown): void => {
  if (typeof entry !== 'function' && !isLayer(entry)) {
    throw new InvalidArgumentError(api, `expected entry '${name}' to be a layer ({ init, apply }) or a tensor function, got ${typeof entry}`);
  }
};

/** JavaScript lists integer-like keys first, in numeric order, whatever the insertion order. */
export const checkIntegerNames = (api: string, names: readonly string[]): void => {
  const integerLike = names.filter((name) => /^(0|[1-9]\d*)$/.test(name));
  if (integerLike.length > 0 && integerLike.length < names.length) {
    throw new InvalidArgumentError(api, `expected all entry names to be integers or none, got [${names.join(', ')}]; JavaScript would reorder the integer-like ones (${integerLike.join(', ')}) first`);
  }
};

/**
 * `{ [name]: params }` for the named entries that have parameters. Entry i gets `split(key, n)[i]`,
 * which does not depend on n (counter-based keys), so each child is reproducible on its own.
 */
export const initNamed = (entries: readonly (readonly [string, Entry])[], key: Key, backend: Backend): Readonly<Record<string, Tree>> => {
  const keys = split(key, entries.length);
  const params: Record<string, Tree> = {};
  entries.forEach(([name, entry], i) => {
    if (!isLayer(entry)) return;
    const child = entry.init(keys[i], backend) as Tree;
    if (!isEmptyTree(child)) params[name] = child;
  });
  return params;
};

/** The params of a single wrapped entry (residual, map): its own tree, or `{}` for a function. */
export const initSingle = (entry: Entry, key: Key, backend: Backend): Tree => (isLayer(entry) ? (entry.init(key, backend) as Tree) : EMPTY);
