/**
 * Sequential composition checked at compile time: `sequential().add(name, entry)...`. Each `add`
 * takes only an entry whose input fits the previous output, so `dense(784, 256)` followed by
 * `dense(128, 10)` does not compile, and the message names the entry and the sizes. The model is
 * a layer after the first `add` (and after every later one); each `add` returns a new model.
 * Params, names, key splitting and dense → relu fusion are those of the record form.
 *
 * @example
 * const model = sequential().add('lin_1', dense(784, 256)).add('act', relu).add('lin_2', dense(256, 10));
 * // Layer<{ lin_1: { weight: Tensor<[256, 784]>, bias: Tensor<[256]> }, lin_2: ... },
 * //       Tensor<[number, 784]>, Tensor<[number, 10]>>
 * sequential().add('lin_1', dense(784, 256)).add('lin_2', dense(128, 10));
 * // error: ... not assignable to parameter of type
 * //   'ShapeMismatch<"lin_2 expects x.shape[1] = 128, got 256 (x is [number, 256])">'
 */
import { InvalidArgumentError, type Tree } from '../core/index.js';
import { checkEntry, checkEntryName, checkIntegerNames, type Entry } from './entries.js';
import type { AcceptsInput, CheckEntryName, EntryInput, EntryOutput, EntryParams, HasParams } from './entry-types.js';
import type { Layer } from './layer.js';
import { composeSequence, type NamedEntries } from './sequence.js';

type AsTree<T> = T extends Tree ? T : never;

/** `P` with the params of `E` added under `Name` (unchanged when `E` has none), spelled out. */
export type WithEntry<P, Name extends string, E> =
  HasParams<E> extends true ? AsTree<{ readonly [K in keyof P | Name]: K extends Name ? EntryParams<E> : K extends keyof P ? P[K] : never }> : P;

/** A model built by `sequential().add(...)`: a layer from `I` to `O` that can be extended. */
export interface TypedSequential<P extends Tree, I, O> extends Layer<P, I, O> {
  /**
   * This model followed by `entry` under `name`; `entry` must accept an `O` (its input's
   * literal sizes must match, `number` matches anything), else the call does not compile.
   */
  readonly add: <const Name extends string, E extends Entry>(
    name: Name & CheckEntryName<Name, keyof P>,
    entry: AcceptsInput<E, O, Name>,
  ) => TypedSequential<WithEntry<P, Name, E>, I, EntryOutput<E, O>>;
}

/** `sequential()` before its first entry: the first entry fixes the model's input type. */
export interface SequentialStart {
  readonly add: <const Name extends string, E extends Entry>(
    name: Name & CheckEntryName<Name, never>,
    entry: E,
  ) => TypedSequential<WithEntry<{}, Name, E>, EntryInput<E>, EntryOutput<E, EntryInput<E>>>;
}

const checkAdded = (entries: NamedEntries, name: string, entry: unknown): void => {
  checkEntryName('sequential', name);
  checkEntry('sequential', name, entry);
  if (entries.some(([taken]) => taken === name)) throw new InvalidArgumentError('sequential', `expected a new entry name, got '${name}' a second time`);
  checkIntegerNames('sequential', [...entries.map(([taken]) => taken), name]);
};

const extend = (entries: NamedEntries, name: string, entry: Entry): TypedSequential<Tree, unknown, unknown> => {
  checkAdded(entries, name, entry);
  const next: NamedEntries = [...entries, [name, entry]];
  const layer = composeSequence(next);
  const add = (nextName: string, nextEntry: Entry) => extend(next, nextName, nextEntry);
  return { ...layer, add } as unknown as TypedSequential<Tree, unknown, unknown>;
};

/** The empty chain; see the module doc. */
export const typedSequential = (): SequentialStart => ({
  add: ((name: string, entry: Entry) => extend([], name, entry)) as unknown as SequentialStart['add'],
});
