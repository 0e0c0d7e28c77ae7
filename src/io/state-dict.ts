/**
 * Parameter trees as safetensors state dicts: every leaf under its dotted name and PyTorch shape
 * (`lin_1.weight` is [256, 784]), so `model.load_state_dict(safetensors.torch.load_file(path))`
 * accepts a purenet file, and a file written by PyTorch loads into the purenet model with the
 * same names. Loading is strict like PyTorch's default: the file must hold exactly the model's
 * names with the model's shapes, and one error lists everything that is missing, unexpected or
 * of the wrong shape.
 *
 * @example
 * const bytes = await encodeParams(params);
 * const loaded = loadStateDict(model.init(key(0), cpu), decoded, cpu);   // Either<SafetensorsError, Params>
 */
import * as E from 'fp-ts/lib/Either.js';
import { flattenTree, toArray, unflattenTree, type Backend, type Tensor, type Tree } from '../core/index.js';
import { encodeSafetensors, type Safetensors, type TensorToWrite } from './safetensors.js';
import { safetensorsError, type SafetensorsError } from './safetensors-error.js';
import { describeProblems, restoreState, type StateProblem } from './state-tree.js';

/** Host copies of named tensors (float32 tensors as Float32Array, float64 as Float64Array). */
export const downloadTensors = async (named: ReadonlyArray<readonly [string, Tensor]>): Promise<TensorToWrite[]> =>
  Promise.all(named.map(async ([name, leaf]) => ({ name, shape: [...leaf.shape], data: await toArray(leaf) })));

/** Metadata every purenet file carries: `format: pt` tells Hugging Face tools these are PyTorch-layout tensors. */
export const baseMetadata = { format: 'pt' } as const;

export interface EncodeParamsOptions {
  /** Extra `__metadata__` entries (strings). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The params as a safetensors file (each tensor in its own precision, with a CRC-32 of the contents). */
export const encodeParams = async (params: Tree, options: EncodeParamsOptions = {}): Promise<Uint8Array> =>
  encodeSafetensors(await downloadTensors(flattenTree(params)), { metadata: { ...baseMetadata, ...options.metadata }, checksum: true });

export interface LoadStateDictOptions {
  /** Names the file in error messages. */
  readonly source?: string;
}

/** Tensors by name; a Map, so that any name (`__proto__` included) is just a key. */
export const tensorsByName = (file: Safetensors): ReadonlyMap<string, Safetensors['tensors'][number]> => new Map(file.tensors.map((t) => [t.name, t]));

/**
 * The file's tensors as a tree shaped like `like` (its names and shapes; its values are not
 * used), on `backend` (F64 data rounds to float32 on a float32 backend). Left with `Mismatch`
 * listing every missing, unexpected and mis-shaped name.
 */
export const loadStateDict = <P extends Tree>(like: P, file: Safetensors, backend: Backend, options: LoadStateDictOptions = {}): E.Either<SafetensorsError, P> => {
  const { source } = options;
  const api = source === undefined ? 'loadStateDict' : `loadStateDict(${source})`;
  const available = tensorsByName(file);
  const problems: StateProblem[] = [];
  const leaves = flattenTree(like).map(([name, leaf]) => restoreState(leaf, name, { tensor: (n) => available.get(n), scalar: () => undefined }, backend, problems) as Tensor);
  const expected = new Set(flattenTree(like).map(([name]) => name));
  const unexpected = file.tensors.map((t) => t.name).filter((name) => !expected.has(name));
  if (problems.length > 0 || unexpected.length > 0) {
    return E.left(safetensorsError('Mismatch', `${api}: the file does not match the model (strict, as PyTorch's load_state_dict): ${describeProblems(problems, unexpected)}`, source));
  }
  return E.right(unflattenTree(like, leaves));
};
