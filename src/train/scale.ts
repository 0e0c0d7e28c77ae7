/**
 * The transformations that multiply: `scale` by a constant, and `scaleByLearningRate`, which turns
 * a direction into a descent step (`-lr · g`) and keeps the step count for schedules.
 */
import { InvalidArgumentError, mul, treeMap } from '../core/index.js';
import { checkFinite, checkNonNegative } from './hyper.js';
import type { Schedule } from './schedules.js';
import { type EmptyState, type GradientTransformation, identity } from './transform.js';

/** `factor · g` for every leaf. Stateless. */
export const scale = (factor: number): GradientTransformation<EmptyState> => {
  checkFinite('scale', 'factor', factor);
  return {
    init: identity().init,
    update: (grads, state) => [treeMap(grads, (g) => mul(g, factor)), state],
  };
};

/** How many updates a transformation has applied so far (0 before the first). */
export interface CountState {
  readonly count: number;
}

/**
 * `-lr · g`, with `lr` a number or a schedule of the step count (the count of updates done
 * before this one, so the first update uses `schedule(0)`). A schedule that yields a negative or
 * non-finite rate is an error naming the step.
 */
/** The learning rate for the update after `count` updates; a bad schedule value is an error. */
export const learningRateAt = (lr: number | Schedule, count: number): number => {
  if (typeof lr === 'number') return lr;
  const value = lr(count);
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError('scaleByLearningRate', `expected the schedule to give a learning rate ≥ 0 (finite), got ${value} at step ${count}`);
  }
  return value;
};

export const scaleByLearningRate = (lr: number | Schedule): GradientTransformation<CountState> => {
  if (typeof lr === 'number') checkNonNegative('scaleByLearningRate', 'lr', lr);
  const rateAt = (count: number): number => learningRateAt(lr, count);
  return {
    init: () => ({ count: 0 }),
    update: (grads, state) => {
      const factor = -rateAt(state.count);
      return [treeMap(grads, (g) => mul(g, factor)), { count: state.count + 1 }];
    },
  };
};
