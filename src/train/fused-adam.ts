/**
 * adam and adamw's fused step (PyTorch's `fused=True` idea): one backend sweep per parameter
 * computes the moments, the direction, the weight decay and the new parameter, instead of the
 * chain's passes plus `applyUpdates`. It returns exactly the chain's next state and, in float64,
 * exactly its parameters (same operations in the same order); where any leaf cannot use the kernel
 * (a backend without `adamStep`, values being differentiated) the whole step runs the chain.
 */
import { flattenTree, fromBuffer, type Tensor, type Tree } from '../core/index.js';
import { adamScalars, type AdamState } from './adam.js';
import { mapLeaves } from './leaves.js';
import { learningRateAt, type CountState } from './scale.js';
import type { Schedule } from './schedules.js';
import { applyUpdates, type EmptyState, type GradientTransformation } from './transform.js';
import type { DecayMask } from './weight-decay.js';

export interface FusedAdamConfig {
  /** 'coupled' = torch.optim.Adam's weight_decay, 'decoupled' = AdamW's. */
  readonly decay: 'coupled' | 'decoupled';
  readonly lr: number | Schedule;
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly mask: DecayMask | undefined;
}

type AdamChain = readonly [EmptyState, AdamState, CountState];
type AdamWChain = readonly [AdamState, EmptyState, CountState];

const fusable = (trees: readonly Tree[]): boolean =>
  trees.every((tree) => flattenTree(tree).every(([, t]) => t.node === undefined && t.backend.adamStep !== undefined));

/** Adds `updateAndApply` to the adam/adamw chain `optimizer`, whose state layout it knows. */
export const withFusedAdam = <S extends AdamChain | AdamWChain>(optimizer: GradientTransformation<S>, config: FusedAdamConfig): GradientTransformation<S> => ({
  init: optimizer.init,
  update: (grads, state, params) => optimizer.update(grads, state, params),
  updateAndApply: (grads, state, params) => {
    const coupled = config.decay === 'coupled';
    const adamState = (coupled ? state[1] : state[0]) as AdamState;
    const lrState = state[2];
    if (!fusable([grads, adamState.mu, adamState.nu, params])) {
      const [updates, next] = optimizer.update(grads, state, params);
      return [applyUpdates(params, updates), next];
    }
    const t = adamState.count + 1;
    const { stepScale, epsScaled } = adamScalars(config.b1, config.b2, config.eps, t);
    const applyFactor = -learningRateAt(config.lr, lrState.count);
    const [next, mu, nu] = mapLeaves('adam', 'the Adam moments and params', [grads, adamState.mu, adamState.nu, params], 3, ([g, m, v, p], path) => {
      const decays = config.weightDecay !== 0 && (config.mask === undefined || config.mask(path, p));
      const out = (g.backend.adamStep as NonNullable<typeof g.backend.adamStep>)(
        g.buffer,
        m.buffer,
        v.buffer,
        g.shape,
        {
          b1: config.b1,
          b2: config.b2,
          stepScale,
          epsScaled,
          coupledDecay: decays && coupled ? config.weightDecay : 0,
          decoupledDecay: decays && !coupled ? config.weightDecay : 0,
          applyFactor,
        },
        p.buffer,
      );
      const wrap = (buffer: typeof out.result): Tensor => fromBuffer(g.backend, buffer, g.shape);
      return [wrap(out.result), wrap(out.mu), wrap(out.nu)];
    });
    const nextAdam: AdamState = { count: t, mu, nu };
    const nextLr: CountState = { count: lrState.count + 1 };
    const nextState = (coupled ? [state[0], nextAdam, nextLr] : [nextAdam, state[1], nextLr]) as unknown as S;
    return [next, nextState];
  },
});
