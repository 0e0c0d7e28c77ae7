/**
 * A layer is a value: a pure `init` that makes an immutable parameter tree from an explicit PRNG
 * key, and a pure `apply` from parameters and input to output. Differentiation is not the
 * layer's business: `valueAndGrad` over a function that calls `apply` gives the VJP of the whole
 * pipeline through the primitives it used.
 *
 * @example
 * const layer = dense(784, 256);
 * const params = layer.init(key(0), cpu);          // { weight: [256, 784], bias: [256] }
 * const y = layer.apply(params, x);                // [N, 256]
 */
import type { Backend } from '../core/backend/backend.js';
import type { Key } from '../core/random.js';
import type { Tree } from '../core/tree.js';

/** Per-call context: train/eval mode and, for stochastic layers in training, a key. */
export interface ApplyContext {
  readonly train: boolean;
  readonly key?: Key;
}

export const evalContext: ApplyContext = Object.freeze({ train: false });

/** Parameters of a layer that has none. */
export type NoParams = { readonly [key: string]: never };

export interface Layer<P extends Tree, I, O> {
  /** Short description for errors and summaries, e.g. `dense(784 → 256)`. */
  readonly describe: string;
  readonly init: (key: Key, backend: Backend) => P;
  readonly apply: (params: P, x: I, context?: ApplyContext) => O;
}

export type ParamsOf<L> = L extends Layer<infer P, unknown, unknown> ? P : never;
export type InputOf<L> = L extends Layer<Tree, infer I, unknown> ? I : never;
export type OutputOf<L> = L extends Layer<Tree, unknown, infer O> ? O : never;
