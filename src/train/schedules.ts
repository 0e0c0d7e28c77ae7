/**
 * Learning-rate schedules: pure functions from the step count (the number of updates already
 * applied, 0 for the first) to a value. They hold no state; `scaleByLearningRate` keeps the count
 * in the optimizer state and asks the schedule at every update. PyTorch's LR schedulers count
 * epochs by default; these count optimizer steps (pass `stepSize` in steps, e.g. epochs × batches).
 *
 * @example
 * const lr = cosineDecay({ init: 1e-3, decaySteps: 10 * 235 });
 * lr(0);        // 1e-3
 * lr(2350);     // 0
 */
import { InvalidArgumentError } from '../core/index.js';
import { checkFinite, checkNonNegative, checkPositiveInteger } from './hyper.js';

export type Schedule = (step: number) => number;

/** Always `value`. */
export const constantSchedule = (value: number): Schedule => {
  checkFinite('constantSchedule', 'value', value);
  return () => value;
};

/** PyTorch `StepLR`: `init · gamma^floor(step / stepSize)`. */
export const stepSchedule = (options: { readonly init: number; readonly stepSize: number; readonly gamma?: number }): Schedule => {
  const { init, stepSize, gamma = 0.1 } = options;
  checkFinite('stepSchedule', 'init', init);
  checkPositiveInteger('stepSchedule', 'stepSize', stepSize);
  checkNonNegative('stepSchedule', 'gamma', gamma);
  return (step) => init * Math.pow(gamma, Math.floor(step / stepSize));
};

/**
 * Optax `exponential_decay`: `init · decayRate^(step / transitionSteps)`, the exponent floored when
 * `staircase`. `exponentialDecay({ init, decayRate: gamma })` is PyTorch's `ExponentialLR`.
 */
export const exponentialDecay = (options: {
  readonly init: number;
  readonly decayRate: number;
  readonly transitionSteps?: number;
  readonly staircase?: boolean;
}): Schedule => {
  const { init, decayRate, transitionSteps = 1, staircase = false } = options;
  checkFinite('exponentialDecay', 'init', init);
  checkNonNegative('exponentialDecay', 'decayRate', decayRate);
  checkPositiveInteger('exponentialDecay', 'transitionSteps', transitionSteps);
  return (step) => {
    const exponent = step / transitionSteps;
    return init * Math.pow(decayRate, staircase ? Math.floor(exponent) : exponent);
  };
};

/**
 * Optax `cosine_decay_schedule`: from `init` down to `alpha · init` along a half cosine over
 * `decaySteps`, then constant. PyTorch `CosineAnnealingLR(T_max, eta_min)` (closed form, one
 * half-period) is `cosineDecay({ init, decaySteps: T_max, alpha: eta_min / init })`.
 */
export const cosineDecay = (options: { readonly init: number; readonly decaySteps: number; readonly alpha?: number }): Schedule => {
  const { init, decaySteps, alpha = 0 } = options;
  checkFinite('cosineDecay', 'init', init);
  checkPositiveInteger('cosineDecay', 'decaySteps', decaySteps);
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError('cosineDecay', `expected alpha in [0, 1], got ${alpha}`);
  return (step) => {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
    return init * ((1 - alpha) * cosine + alpha);
  };
};

/** Linear interpolation from `init` to `end` over `transitionSteps`, then `end` (warm-up). */
export const linearSchedule = (options: { readonly init: number; readonly end: number; readonly transitionSteps: number }): Schedule => {
  const { init, end, transitionSteps } = options;
  checkFinite('linearSchedule', 'init', init);
  checkFinite('linearSchedule', 'end', end);
  checkPositiveInteger('linearSchedule', 'transitionSteps', transitionSteps);
  return (step) => init + (end - init) * (Math.min(step, transitionSteps) / transitionSteps);
};

/**
 * Optax `join_schedules`: `schedules[i]` runs from `boundaries[i - 1]` on, counting its steps
 * from that boundary. Warm-up then cosine:
 * `joinSchedules([linearSchedule({ init: 0, end: lr, transitionSteps: w }), cosineDecay({ init: lr, decaySteps: n })], [w])`.
 */
export const joinSchedules = (schedules: readonly Schedule[], boundaries: readonly number[]): Schedule => {
  if (schedules.length !== boundaries.length + 1) {
    throw new InvalidArgumentError('joinSchedules', `expected ${schedules.length - 1} boundaries for ${schedules.length} schedules, got ${boundaries.length}`);
  }
  boundaries.forEach((b, i) => {
    if (!Number.isSafeInteger(b) || b < 0 || (i > 0 && b <= boundaries[i - 1])) {
      throw new InvalidArgumentError('joinSchedules', `expected increasing non-negative integer boundaries, got [${boundaries.join(', ')}]`);
    }
  });
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step >= boundaries[i]) i++;
    return schedules[i](i === 0 ? step : step - boundaries[i - 1]);
  };
};
