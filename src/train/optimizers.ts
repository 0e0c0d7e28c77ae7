/**
 * The optimizers PyTorch users know, as chains of the small transformations, with
 * torch.optim's defaults and update rules (checked step by step against a transcription of
 * PyTorch's formulas in test/unit/train):
 *   sgd   = addDecayedWeights(λ) → traceMomentum(μ, dampening, nesterov) → scaleByLearningRate(lr)
 *   adam  = addDecayedWeights(λ) → scaleByAdam(β1, β2, ε) → scaleByLearningRate(lr)   (coupled L2)
 *   adamw = scaleByAdam(β1, β2, ε) → addDecayedWeights(λ) → scaleByLearningRate(lr)   (decoupled)
 * AdamW's chain gives `p − lr·(adam + λp) = p(1 − lr·λ) − lr·adam`, exactly torch.optim.AdamW.
 */
import { InvalidArgumentError } from '../core/index.js';
import { scaleByAdam, type AdamState } from './adam.js';
import { checkFinite, checkNonNegative, checkUnitInterval } from './hyper.js';
import { traceMomentum, type TraceState } from './momentum.js';
import { scaleByLearningRate, type CountState } from './scale.js';
import type { Schedule } from './schedules.js';
import { chain, type EmptyState, type GradientTransformation, identity } from './transform.js';
import { addDecayedWeights, type DecayMask } from './weight-decay.js';
import { withFusedAdam } from './fused-adam.js';

export interface SgdOptions {
  readonly lr: number | Schedule;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
  /** Which leaves decay (by dotted path); all by default. PyTorch does this with param groups. */
  readonly weightDecayMask?: DecayMask;
}

export type SgdState = readonly [decay: EmptyState, momentum: TraceState | EmptyState, lr: CountState];

/** torch.optim.SGD: `d = g + λp`; with momentum `b ← μb + (1 − dampening)d` (b = d at first), `d = b` or `d + μb` (Nesterov); `p ← p − lr·d`. */
export const sgd = (options: SgdOptions): GradientTransformation<SgdState> => {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, weightDecayMask } = options;
  checkLearningRate('sgd', lr);
  checkNonNegative('sgd', 'momentum', momentum);
  checkFinite('sgd', 'dampening', dampening);
  checkNonNegative('sgd', 'weightDecay', weightDecay);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError('sgd', `Nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`);
  }
  return chain(
    addDecayedWeights(weightDecay, { mask: weightDecayMask }),
    // Without momentum PyTorch keeps no buffer: d passes straight through.
    momentum === 0 ? identity() : traceMomentum({ momentum, dampening, nesterov }),
    scaleByLearningRate(lr),
  );
};

export interface AdamOptimizerOptions {
  readonly lr?: number | Schedule;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weightDecay?: number;
  readonly weightDecayMask?: DecayMask;
}

export type AdamChainState = readonly [EmptyState, AdamState, CountState];

/** torch.optim.Adam (lr 1e-3, betas (0.9, 0.999), eps 1e-8); `weightDecay` adds λp to the gradient before the moments. */
export const adam = (options: AdamOptimizerOptions = {}): GradientTransformation<AdamChainState> => {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, weightDecayMask } = options;
  checkAdamOptions('adam', lr, betas, eps, weightDecay);
  const optimizer = chain(addDecayedWeights(weightDecay, { mask: weightDecayMask }), scaleByAdam({ b1: betas[0], b2: betas[1], eps }), scaleByLearningRate(lr));
  return withFusedAdam(optimizer, { decay: 'coupled', lr, b1: betas[0], b2: betas[1], eps, weightDecay, mask: weightDecayMask });
};

export type AdamWState = readonly [AdamState, EmptyState, CountState];

/** torch.optim.AdamW (weightDecay 1e-2): `p ← p(1 − lr·λ)`, then the Adam step. */
export const adamw = (options: AdamOptimizerOptions = {}): GradientTransformation<AdamWState> => {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, weightDecayMask } = options;
  checkAdamOptions('adamw', lr, betas, eps, weightDecay);
  const optimizer = chain(scaleByAdam({ b1: betas[0], b2: betas[1], eps }), addDecayedWeights(weightDecay, { mask: weightDecayMask }), scaleByLearningRate(lr));
  return withFusedAdam(optimizer, { decay: 'decoupled', lr, b1: betas[0], b2: betas[1], eps, weightDecay, mask: weightDecayMask });
};

const checkLearningRate = (api: string, lr: number | Schedule): void => {
  if (typeof lr === 'number') checkNonNegative(api, 'lr', lr);
  else if (typeof lr !== 'function') throw new InvalidArgumentError(api, `expected lr to be a number or a schedule (step) => number, got ${typeof lr}`);
};

const checkAdamOptions = (api: string, lr: number | Schedule, betas: readonly [number, number], eps: number, weightDecay: number): void => {
  checkLearningRate(api, lr);
  if (!Array.isArray(betas) || betas.length !== 2) throw new InvalidArgumentError(api, `expected betas as a pair [b1, b2], got ${String(betas)}`);
  checkUnitInterval(api, 'betas[0]', betas[0]);
  checkUnitInterval(api, 'betas[1]', betas[1]);
  checkNonNegative(api, 'eps', eps);
  checkNonNegative(api, 'weightDecay', weightDecay);
};
