/**
 * @internal The checkers' common ground: arguments moved to one float64 backend and flattened to
 * named leaves with host copies of their values, re-evaluation at perturbed values, and the
 * before/after comparisons that catch a function or VJP writing into buffers it was given.
 */
import {
  BackendError,
  commonBackend,
  InvalidArgumentError,
  flattenTree,
  isTensor,
  referenceBackend,
  tensor,
  toArray,
  toBackend,
  unflattenTree,
  type Backend,
  type Shape,
  type Tensor,
  type Tree,
} from '../core/index.js';
import { formatIndex, type Mutation } from './report.js';

export interface Leaf {
  /** Dotted path prefixed by the argument's name: `args[1]`, `params.lin_1.weight`. */
  readonly path: string;
  readonly shape: Shape;
  readonly tensor: Tensor;
  /** Float64 host copy taken before the function ran. */
  readonly values: Float64Array;
}

export interface Prepared<Args extends readonly Tree[]> {
  readonly backend: Backend;
  readonly args: Args;
  readonly leaves: readonly Leaf[];
  /** The arguments with leaf `i` holding `values` instead (fresh tensors; the rest shared). */
  readonly withLeaf: (i: number, values: Float64Array) => Args;
}

/** The float64 backend to check on: the requested one, the arguments' own, or a fresh reference. */
const chooseBackend = (api: string, tensors: readonly Tensor[], requested: Backend | undefined): Backend => {
  if (requested !== undefined) {
    if (requested.dtype !== 'float64') {
      throw new InvalidArgumentError(api, `expected a float64 backend for central differences, got ${requested.description}; leave options.backend unset to use referenceBackend()`);
    }
    return requested;
  }
  const own = tensors[0]?.backend;
  return own !== undefined && own.dtype === 'float64' && tensors.every((t) => t.backend === own) ? own : referenceBackend();
};

export const toFloat64 = async (t: Tensor): Promise<Float64Array> => Float64Array.from(await toArray(t));

/** Default leaf names: `args[i]` then the tree path. */
export const argumentName = (names: readonly string[] | undefined, i: number): string => names?.[i] ?? `args[${i}]`;

const joinPath = (name: string, path: string): string => (name === '' ? (path === '' ? 'params' : path) : path === '' ? name : `${name}.${path}`);

export const prepare = async <Args extends readonly Tree[]>(
  api: string,
  args: Args,
  options: { readonly backend?: Backend; readonly names?: readonly string[]; readonly stay?: boolean },
): Promise<Prepared<Args>> => {
  const flat = args.map((arg) => flattenTree(arg));
  const tensors = flat.flat().map(([, t]) => t);
  if (tensors.length === 0) throw new InvalidArgumentError(api, 'expected at least one tensor among the arguments, got none; pass the tensors to differentiate as arguments');
  // `stay`: run where the arguments live (mutation checks on float32 backends), no float64 requirement.
  const backend = options.stay === true ? commonBackend(api, tensors) : chooseBackend(api, tensors, options.backend);
  const moved = await Promise.all(flat.map((entries) => Promise.all(entries.map(([, t]) => toBackend(t, backend)))));
  const movedArgs = args.map((arg, i) => unflattenTree(arg, moved[i])) as unknown as Args;
  const leaves: Leaf[] = [];
  const owner: Array<readonly [number, number]> = [];
  for (let i = 0; i < flat.length; i++) {
    const name = argumentName(options.names, i);
    for (let j = 0; j < flat[i].length; j++) {
      const t = moved[i][j];
      leaves.push({ path: joinPath(name, flat[i][j][0]), shape: t.shape, tensor: t, values: await toFloat64(t) });
      owner.push([i, j]);
    }
  }
  const withLeaf = (leaf: number, values: Float64Array): Args => {
    const [argIndex, position] = owner[leaf];
    const replaced = moved[argIndex].map((t, j) => (j === position ? tensor(backend, values, t.shape) : t));
    return args.map((arg, i) => (i === argIndex ? unflattenTree(arg, replaced) : movedArgs[i])) as unknown as Args;
  };
  return { backend, args: movedArgs, leaves, withLeaf };
};

/** Moves every tensor inside arrays and plain records to `backend`; other values pass unchanged. */
export const moveDeep = async <T>(value: T, backend: Backend): Promise<T> => {
  if (isTensor(value)) return (await toBackend(value, backend)) as T;
  if (Array.isArray(value)) return (await Promise.all(value.map((v: unknown) => moveDeep(v, backend)))) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await moveDeep(v, backend)] as const));
    return Object.fromEntries(entries) as T;
  }
  return value;
};

/** Runs user code on the check backend, explaining the usual cause of a backend clash. */
export const callUser = <T>(api: string, backend: Backend, run: () => T): T => {
  try {
    return run();
  } catch (error) {
    if (error instanceof BackendError) {
      throw new BackendError(
        api,
        `${error.message}. The check runs on ${backend.description}; tensors that the function captures (labels, constants) must live on that backend too: create the arguments and the constants on one float64 backend, or pass it as options.backend`,
      );
    }
    throw error;
  }
};

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
};

/** The first element (bitwise, NaN-safe) where `after` differs from `before`, or -1. */
export const firstDifference = (before: ArrayLike<number>, after: ArrayLike<number>): number => {
  for (let i = 0; i < before.length; i++) if (!Object.is(before[i], after[i])) return i;
  return -1;
};

/** Compares a tensor's current values with a snapshot; a Mutation if any element changed. */
export const detectMutation = async (
  what: Mutation['what'],
  path: string,
  current: Tensor,
  snapshot: Float64Array,
  during: string,
): Promise<Mutation | undefined> => {
  const now = await toArray(current);
  // Snapshots were taken in float64 from the same buffer, so an untouched float32 value compares equal.
  const at = firstDifference(snapshot, now);
  return at < 0 ? undefined : { kind: 'mutation', what, path, index: formatIndex(current.shape, at), during, before: snapshot[at], after: now[at] };
};

export const detectLeafMutations = async (leaves: readonly Leaf[], during: string): Promise<Mutation[]> => {
  const found = await Promise.all(leaves.map((leaf) => detectMutation('input', leaf.path, leaf.tensor, leaf.values, during)));
  return found.filter((m): m is Mutation => m !== undefined);
};
