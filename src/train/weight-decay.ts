/**
 * L2 weight decay as a gradient transformation: `g + λ·p`. Where it sits in a chain decides its
 * meaning: before Adam it is PyTorch `Adam(weight_decay=λ)` (coupled L2, rescaled by Adam like any
 * gradient); after Adam and before the learning rate it is `AdamW` (decoupled: `p ← p(1 − lr·λ)`).
 */
import { add, mul, type Tensor } from '../core/index.js';
import { checkNonNegative } from './hyper.js';
import { mapLeaves, requireParams } from './leaves.js';
import { type EmptyState, type GradientTransformation, identity } from './transform.js';

/** Selects the leaves that decay by their dotted path (e.g. skip biases: `(path) => !path.endsWith('bias')`). */
export type DecayMask = (path: string, leaf: Tensor) => boolean;

/** `g + λ·p` on the leaves `mask` selects (all by default). Needs `params` in `update`. */
export const addDecayedWeights = (weightDecay: number, options: { readonly mask?: DecayMask } = {}): GradientTransformation<EmptyState> => {
  checkNonNegative('addDecayedWeights', 'weightDecay', weightDecay);
  const { mask } = options;
  if (weightDecay === 0) return identity();
  return {
    init: identity().init,
    update: (grads, state, params) => {
      const [updates] = mapLeaves('addDecayedWeights', 'params', [grads, requireParams('addDecayedWeights', params)], 1, ([g, p], path) => [
        mask === undefined || mask(path, p) ? add(g, mul(p, weightDecay)) : g,
      ]);
      return [updates, state];
    },
  };
};
