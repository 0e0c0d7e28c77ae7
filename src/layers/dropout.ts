/**
 * Inverted dropout (PyTorch `nn.Dropout`): in training each element is zeroed with probability p
 * and the survivors are scaled by 1/(1-p), so the expected output equals the input; in evaluation
 * it is the identity. The randomness comes from `context.key`, never from hidden state, so a
 * training step is reproducible from its key.
 *
 * @example
 * const drop = dropout(0.5);
 * drop.apply({}, h, { train: true, key: stepKey });   // [N, 256], about half zeroed, rest doubled
 * drop.apply({}, h);                                  // h itself (evaluation)
 */
import { bernoulli, InvalidArgumentError, mul, type Shape, type Tensor } from '../core/index.js';
import type { ApplyContext, NoParams, ShapePreservingLayer } from './layer.js';

export interface DropoutOptions {
  /** Names the layer in errors; otherwise the container's name for it is used. */
  readonly name?: string;
}

/**
 * A parameter-free layer that drops elements with probability `p` in [0, 1) while training.
 * Its output has the shape of its input (`[N, 256]` in, `[N, 256]` out), also in the types.
 */
export const dropout = (p: number, options: DropoutOptions = {}): ShapePreservingLayer<NoParams> => {
  if (!(p >= 0 && p < 1)) throw new InvalidArgumentError('dropout', `expected p in [0, 1), got ${p}`);
  const describe = `dropout(p=${p})`;
  return {
    describe,
    init: () => ({}),
    rowwise: true,
    apply: <S extends Shape>(_params: NoParams, x: Tensor<S>, context?: ApplyContext): Tensor<S> => {
      // p = 0 draws nothing, so it needs no key even while training.
      if (context?.train !== true || p === 0) return x;
      if (context.key === undefined) {
        const name = options.name ?? context.path ?? `p=${p}`;
        throw new InvalidArgumentError(
          `dropout(${name})`,
          'expected context.key in training mode, got none; pass { train: true, key } (split a fresh key per step), or { train: false } to evaluate',
        );
      }
      const keep = bernoulli(x.backend, context.key, x.shape, 1 - p);
      return mul(x, mul(keep, 1 / (1 - p))) as Tensor<S>;
    },
  };
};
