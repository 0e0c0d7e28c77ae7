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
import type { LinearActivation } from '../core/primitives/linear.js';
import type { Key } from '../core/random.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { Tree } from '../core/tree.js';

/** Per-call context: train/eval mode and, for stochastic layers in training, a key. */
export interface ApplyContext {
  readonly train: boolean;
  readonly key?: Key;
  /**
   * Dotted name of the layer inside its container (`lin_1`, `encoder.lin_1`), set by containers
   * such as `sequential` so that a layer's errors say which one refused its input.
   */
  readonly path?: string;
}

export const evalContext: ApplyContext = Object.freeze({ train: false });

/** Training mode with the key that stochastic layers (dropout) draw from. */
export const trainContext = (key: Key): ApplyContext => ({ train: true, key });

/** Parameters of a layer that has none. */
export type NoParams = { readonly [key: string]: never };

export interface Layer<P extends Tree, I, O> {
  /** Short description for errors and summaries, e.g. `dense(784 → 256)`. */
  readonly describe: string;
  readonly init: (key: Key, backend: Backend) => P;
  readonly apply: (params: P, x: I, context?: ApplyContext) => O;
  /**
   * Set when `apply` treats every leading axis as a batch axis: applied to `[...B, ...S]` it
   * gives what applying it to each `[...S]` slice would (dense, the activations, dropout).
   * `map` then runs the layer once on the whole batch instead of row by row.
   */
  readonly rowwise?: boolean;
}

/**
 * A layer whose output has its input's shape, whatever that shape is (dropout, a residual block
 * around such a layer). Composition carries the shape through it unchanged.
 */
export interface ShapePreservingLayer<P extends Tree> extends Layer<P, Tensor, Tensor> {
  readonly apply: <S extends Shape>(params: P, x: Tensor<S>, context?: ApplyContext) => Tensor<S>;
}

// Matched on the members rather than on `Layer<infer P, unknown, unknown>`: `apply` takes P and I
// as parameters, so a layer with a specific input type is not a Layer<_, unknown, _>.
export type ParamsOf<L> = L extends { readonly init: (...args: never[]) => infer P } ? P : never;
export type InputOf<L> = L extends { readonly apply: (params: never, x: infer I, ...rest: never[]) => unknown } ? I : never;
export type OutputOf<L> = L extends { readonly apply: (...args: never[]) => infer O } ? O : never;

/** An activation a layer can apply inside its own kernel (the `linear` primitive's epilogue). */
export type FusedActivation = Exclude<LinearActivation, 'none'>;

/**
 * A layer that can fuse a following activation into its kernel. `sequential` calls
 * `applyWithActivation(params, x, 'relu')` instead of `apply` then `relu` when a fusable layer is
 * directly followed by the exported `relu`: one kernel instead of two, same values and gradients.
 */
export interface FusableLayer<P extends Tree, I, O> extends Layer<P, I, O> {
  readonly applyWithActivation: (params: P, x: I, activation: FusedActivation, context?: ApplyContext) => O;
}

export const isFusable = <P extends Tree, I, O>(layer: Layer<P, I, O>): layer is FusableLayer<P, I, O> =>
  typeof (layer as Partial<FusableLayer<P, I, O>>).applyWithActivation === 'function';
