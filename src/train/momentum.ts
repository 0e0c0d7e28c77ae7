/**
 * Heavy-ball and Nesterov momentum with torch.optim.SGD's buffer semantics: the buffer starts as
 * the first gradient itself (not as `(1 − dampening)·g`), then `b ← μ·b + (1 − dampening)·g`; the
 * output is `b`, or `g + μ·b` with Nesterov. (Optax's `trace` starts from zeros instead.)
 */
import { add, InvalidArgumentError, mul, treeMap, zeros, type Tree } from '../core/index.js';
import { checkFinite, checkNonNegative } from './hyper.js';
import { mapLeaves } from './leaves.js';
import type { GradientTransformation } from './transform.js';

export interface TraceState {
  /** Updates done so far; at 0 the buffer is (re)started from the gradient. */
  readonly count: number;
  /** The momentum buffer, shaped like the params. */
  readonly trace: Tree;
}

export interface MomentumOptions {
  readonly momentum: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
}

export const traceMomentum = (options: MomentumOptions): GradientTransformation<TraceState> => {
  const { momentum, dampening = 0, nesterov = false } = options;
  checkNonNegative('traceMomentum', 'momentum', momentum);
  checkFinite('traceMomentum', 'dampening', dampening);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError('traceMomentum', `Nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`);
  }
  return {
    init: (params) => ({ count: 0, trace: treeMap(params, (p) => zeros(p.backend, p.shape)) }),
    update: (grads, state) => {
      const first = state.count === 0;
      const [updates, trace] = mapLeaves('traceMomentum', 'the momentum buffer', [grads, state.trace], 2, ([g, buffer]) => {
        const next = first ? g : add(mul(buffer, momentum), dampening === 0 ? g : mul(g, 1 - dampening));
        return [nesterov ? add(g, mul(next, momentum)) : next, next];
      });
      return [updates, { count: state.count + 1, trace }];
    },
  };
};
