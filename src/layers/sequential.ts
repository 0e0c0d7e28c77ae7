/**
 * Named composition (PyTorch `nn.Sequential(OrderedDict(...))`): entries apply in insertion
 * order, and the params tree has one branch per entry that has parameters, under the entry's
 * name, so `lin_1.weight` is the same name and shape as in a PyTorch state_dict. Entries are
 * layers or plain tensor functions (`relu`, `(x) => leakyRelu(x, 0.2)`).
 *
 * Fusion: a fusable layer (`dense`) directly followed by the exported `relu` function is applied
 * as one `linear(..., { activation: 'relu' })` kernel via its `applyWithActivation`; values and
 * gradients are those of `relu(dense(x))`. Wrap relu (`(x) => relu(x)`) to opt out.
 *
 * @example
 * const model = sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });
 * const params = model.init(key(0), cpu);   // { lin_1: { weight [256, 784], bias [256] }, lin_2: {...} }
 * const logits = model.apply(params, x);    // x [N, 784] -> [N, 10]
 */
import { InvalidArgumentError, isTensor, ShapeError, split, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { relu } from './activations.js';
import { evalContext, isFusable, type ApplyContext, type Layer, type NoParams, type ParamsOf } from './layer.js';

// `any` because Layer is invariant in its params: any layer, whatever its types, is an entry.
type AnyLayer = Layer<any, any, any>;

/** A layer, or a parameter-free tensor function applied as is. */
export type SequentialEntry = AnyLayer | ((x: Tensor) => Tensor);

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Names of the entries that are layers with parameters (a dropout's `NoParams` has none). */
type ParamNames<E> = {
  [K in keyof E]: E[K] extends AnyLayer ? (IsAny<ParamsOf<E[K]>> extends true ? K : [ParamsOf<E[K]>] extends [NoParams] ? never : K) : never;
}[keyof E];

/** An entry's params, spelled out (`{ readonly weight: ...; readonly bias: ... }`) rather than by alias. */
type EntryParams<L> = ParamsOf<L> extends infer P extends Tree ? (P extends Tensor ? P : { readonly [F in keyof P]: P[F] }) : never;

/** `{ readonly [name]: params of that entry }` for the entries that have parameters. */
export type SequentialParams<E> = { readonly [K in ParamNames<E> & string]: EntryParams<E[K]> };

const isLayer = (entry: unknown): entry is AnyLayer =>
  typeof entry === 'object' && entry !== null && typeof (entry as AnyLayer).init === 'function' && typeof (entry as AnyLayer).apply === 'function';

const isEmptyTree = (tree: Tree): boolean => !isTensor(tree) && (Array.isArray(tree) ? tree.length === 0 : Object.keys(tree).length === 0);

const EMPTY: NoParams = Object.freeze({});

const checkNames = (names: readonly string[], entries: Readonly<Record<string, unknown>>): void => {
  if (names.length === 0) throw new InvalidArgumentError('sequential', 'expected at least one entry, got {}');
  for (const name of names) {
    if (name === '' || name.includes('.')) throw new InvalidArgumentError('sequential', `expected entry names without '.', got '${name}' (dots separate levels in parameter names)`);
    const entry = entries[name];
    if (typeof entry !== 'function' && !isLayer(entry)) {
      throw new InvalidArgumentError('sequential', `expected entry '${name}' to be a layer ({ init, apply }) or a tensor function, got ${typeof entry}`);
    }
  }
  // JavaScript lists integer-like keys first, in numeric order, whatever the insertion order.
  const integerLike = names.filter((name) => /^(0|[1-9]\d*)$/.test(name));
  if (integerLike.length > 0 && integerLike.length < names.length) {
    throw new InvalidArgumentError('sequential', `expected all entry names to be integers or none, got [${names.join(', ')}]; JavaScript would reorder the integer-like ones (${integerLike.join(', ')}) first`);
  }
};

const describeEntry = (entry: SequentialEntry): string => (typeof entry === 'function' ? entry.name || 'function' : entry.describe);

/**
 * Composes `entries` in insertion order; see the module doc for params naming and fusion.
 * (The params type is spelled out in the signature rather than as `SequentialParams<E>` so that
 * editors show the record itself: `{ readonly lin_1: { readonly weight: Tensor<readonly [256, 784]>; ... } }`.)
 */
export const sequential = <const E extends Readonly<Record<string, SequentialEntry>>>(
  entries: E,
): Layer<{ readonly [K in keyof SequentialParams<E>]: SequentialParams<E>[K] }, Tensor, Tensor> => {
  type Params = { readonly [K in keyof SequentialParams<E>]: SequentialParams<E>[K] };
  const names = Object.keys(entries);
  checkNames(names, entries);
  const layerNames = new Set(names.filter((name) => isLayer(entries[name])));
  const describe = `sequential(${names.map((name) => `${name}: ${describeEntry(entries[name])}`).join(', ')})`;

  const init = (key: Key, backend: Backend): Params => {
    // split(key, n)[i] does not depend on n (counter-based), so each entry's key is a function of its index.
    const keys = split(key, names.length);
    const params: Record<string, Tree> = {};
    names.forEach((name, i) => {
      const entry = entries[name];
      if (!isLayer(entry)) return;
      const child = entry.init(keys[i], backend) as Tree;
      if (!isEmptyTree(child)) params[name] = child;
    });
    return params as Params;
  };

  const apply = (params: Params, x: Tensor, context: ApplyContext = evalContext): Tensor => {
    const api = context.path === undefined ? 'sequential' : `sequential(${context.path})`;
    if (typeof params !== 'object' || params === null) throw new ShapeError(api, `expected a params record, got ${String(params)}`);
    const record = params as Readonly<Record<string, Tree>>;
    const unknown = Object.keys(record).filter((name) => !layerNames.has(name));
    if (unknown.length > 0) throw new ShapeError(api, `params have entries [${unknown.join(', ')}] that are not layers of this model (layers: ${[...layerNames].join(', ')})`);
    const keys = context.key === undefined ? undefined : split(context.key, names.length);
    let h = x;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const entry = entries[name];
      if (!isLayer(entry)) {
        h = entry(h);
        continue;
      }
      const child: ApplyContext = {
        train: context.train,
        ...(keys === undefined ? {} : { key: keys[i] }),
        path: context.path === undefined ? name : `${context.path}.${name}`,
      };
      const childParams = record[name] ?? EMPTY;
      if (isFusable(entry) && entries[names[i + 1]] === relu) {
        h = entry.applyWithActivation(childParams, h, 'relu', child);
        i++; // the relu ran inside the layer's kernel
      } else {
        h = entry.apply(childParams, h, child);
      }
    }
    return h;
  };

  return { describe, init, apply };
};
