/**
 * Optimizers as values (Optax's model): a `GradientTransformation` is a pair of pure functions,
 * `init(params) → state` and `update(grads, state, params) → [updates, state']`. Big optimizers
 * are `chain`s of small ones; `applyUpdates` adds the final updates to the parameters. States are
 * immutable records (the step count lives in them), so an optimizer step is a fold.
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 */
import { add, treeZip, type Tree } from '../core/index.js';

export interface GradientTransformation<S> {
  /** The initial state for parameters shaped like `params` (moments are zeros of their shapes). */
  readonly init: (params: Tree) => S;
  // Method syntax on purpose: it makes `GradientTransformation<AdamState>` usable where a
  // `GradientTransformation<unknown>` ("some optimizer") is expected, e.g. in chain or a table.
  /**
   * Maps gradients (a tree shaped like the params) to updates of the same structure, and the
   * state to the next state. `params` is needed by transformations that read them (weight decay).
   */
  update<P extends Tree>(grads: P, state: S, params?: P): readonly [updates: P, state: S];
  /**
   * Optional fused form of `applyUpdates(params, update(grads, state, params)[0])` with the same
   * next state, in fewer passes (adam and adamw provide one). `trainStep` prefers it.
   */
  updateAndApply?<P extends Tree>(grads: P, state: S, params: P): readonly [params: P, state: S];
}

/** One optimizer step on the parameters: the fused form when the optimizer has one. */
export const optimizerStep = <P extends Tree, S>(optimizer: GradientTransformation<S>, grads: P, state: S, params: P): readonly [P, S] => {
  if (optimizer.updateAndApply !== undefined) return optimizer.updateAndApply(grads, state, params);
  const [updates, next] = optimizer.update(grads, state, params);
  return [applyUpdates(params, updates), next];
};

/** The state type of a transformation. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** Empty state of the transformations that keep none. */
export type EmptyState = Readonly<Record<string, never>>;

const EMPTY: EmptyState = Object.freeze({});

/** Passes the gradients through unchanged; `chain`'s neutral element. */
export const identity = (): GradientTransformation<EmptyState> => ({
  init: () => EMPTY,
  update: (grads, state) => [grads, state],
});

/**
 * Applies `transforms` left to right: each one's updates are the next one's gradients, and every
 * one sees the same original `params`. The state is the tuple of the children's states. Order
 * matters: `chain(clipByGlobalNorm(1), scale(10))` clips then scales (norm ≤ 10), while
 * `chain(scale(10), clipByGlobalNorm(1))` scales then clips (norm ≤ 1).
 */
export const chain = <const T extends readonly GradientTransformation<unknown>[]>(
  ...transforms: T
): GradientTransformation<{ readonly [K in keyof T]: StateOf<T[K]> }> => {
  type S = { readonly [K in keyof T]: StateOf<T[K]> };
  return {
    init: (params) => transforms.map((t) => t.init(params)) as unknown as S,
    update: (grads, state, params) => {
      const states = state as unknown as readonly unknown[];
      const next = new Array<unknown>(transforms.length);
      let updates = grads;
      for (let i = 0; i < transforms.length; i++) {
        [updates, next[i]] = transforms[i].update(updates, states[i], params);
      }
      return [updates, next as unknown as S];
    },
  };
};

/** `params + updates`, leafwise (the updates already carry the sign of a descent step). */
export const applyUpdates = <P extends Tree>(params: P, updates: P): P => treeZip([params, updates], ([p, u]) => add(p, u));
