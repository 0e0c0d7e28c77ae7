/**
 * Named composition (PyTorch `nn.Sequential(OrderedDict(...))`): entries apply in insertion
 * order, and the params tree has one branch per entry that has parameters, under the entry's
 * name, so `lin_1.weight` is the same name and shape as in a PyTorch state_dict. Entries are
 * layers or plain tensor functions (`relu`, `(x) => leakyRelu(x, 0.2)`).
 *
 * Two spellings, one run-time core (./sequence.ts):
 * - `sequential({ lin_1: ..., act: relu, lin_2: ... })`, the record: its params type is exact,
 *   but its input and output are plain `Tensor`, because TypeScript cannot see the order of a
 *   record's keys (TS 7 lists `keyof` members alphabetically), so it cannot check the chain.
 * - `sequential().add('lin_1', ...).add('act', relu).add('lin_2', ...)`, the chain: every `add`
 *   is checked against the previous output at compile time (./typed-sequential.ts).
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
import { InvalidArgumentError, type Tensor } from '../core/index.js';
import { checkEntry, checkEntryName, checkIntegerNames, type Entry } from './entries.js';
import type { NamedParams } from './entry-types.js';
import type { Layer } from './layer.js';
import { composeSequence } from './sequence.js';
import { typedSequential, type SequentialStart } from './typed-sequential.js';

/** A layer, or a parameter-free tensor function applied as is. */
export type SequentialEntry = Entry;

/** `{ readonly [name]: params of that entry }` for the entries that have parameters. */
export type SequentialParams<E> = NamedParams<E>;

const checkNames = (names: readonly string[], entries: Readonly<Record<string, unknown>>): void => {
  if (names.length === 0) throw new InvalidArgumentError('sequential', 'expected at least one entry, got {}');
  for (const name of names) {
    checkEntryName('sequential', name);
    checkEntry('sequential', name, entries[name]);
  }
  checkIntegerNames('sequential', names);
};

/**
 * `sequential()`: an empty chain to `add` checked entries to (see ./typed-sequential.ts).
 * `sequential(entries)`: composes `entries` in insertion order; see the module doc. (The params
 * type is spelled out in the signature rather than as `SequentialParams<E>` so that editors show
 * the record itself: `{ readonly lin_1: { readonly weight: Tensor<readonly [256, 784]>; ... } }`.)
 */
export function sequential(): SequentialStart;
export function sequential<const E extends Readonly<Record<string, SequentialEntry>>>(
  entries: E,
): Layer<{ readonly [K in keyof SequentialParams<E>]: SequentialParams<E>[K] }, Tensor, Tensor>;
export function sequential(entries?: Readonly<Record<string, SequentialEntry>>): SequentialStart | Layer<any, Tensor, Tensor> {
  if (entries === undefined) return typedSequential();
  if (typeof entries !== 'object' || entries === null) throw new InvalidArgumentError('sequential', `expected a record of entries or nothing, got ${String(entries)}`);
  const names = Object.keys(entries);
  checkNames(names, entries);
  return composeSequence(names.map((name) => [name, entries[name]] as const));
}
