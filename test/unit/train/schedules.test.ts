/** Schedules as pure functions of the step count, against their closed forms (PyTorch / Optax). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantSchedule, cosineDecay, exponentialDecay, joinSchedules, linearSchedule, stepSchedule } from '../../../src/train/index.js';

describe('schedules', () => {
  it('constantSchedule', () => {
    const s = constantSchedule(0.3);
    expect([0, 1, 1000].map(s)).toEqual([0.3, 0.3, 0.3]);
  });

  it('stepSchedule is StepLR: init · gamma^floor(step / stepSize)', () => {
    const s = stepSchedule({ init: 1, stepSize: 3, gamma: 0.5 });
    expect([0, 1, 2, 3, 5, 6, 9].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.125]);
    expect(stepSchedule({ init: 2, stepSize: 1 })(2)).toBeCloseTo(0.02, 15); // PyTorch's gamma default 0.1
  });

  it('exponentialDecay: continuous, staircase, and ExponentialLR', () => {
    const smooth = exponentialDecay({ init: 1, decayRate: 0.5, transitionSteps: 2 });
    expect(smooth(1)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(smooth(4)).toBe(0.25);
    const stairs = exponentialDecay({ init: 1, decayRate: 0.5, transitionSteps: 2, staircase: true });
    expect([0, 1, 2, 3, 4].map(stairs)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const exponentialLR = exponentialDecay({ init: 0.1, decayRate: 0.9 });
    expect(exponentialLR(3)).toBeCloseTo(0.1 * 0.9 ** 3, 15);
  });

  it('cosineDecay matches CosineAnnealingLR’s closed form and stays at its floor after decaySteps', () => {
    const init = 0.1;
    const etaMin = 0.01;
    const s = cosineDecay({ init, decaySteps: 10, alpha: etaMin / init });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), (t) => {
        const closedForm = etaMin + ((init - etaMin) * (1 + Math.cos((Math.PI * t) / 10))) / 2;
        expect(s(t)).toBeCloseTo(closedForm, 14);
      }),
    );
    expect(s(0)).toBeCloseTo(init, 15);
    expect(s(25)).toBeCloseTo(etaMin, 15);
  });

  it('linear warm-up joined to a cosine decay', () => {
    const s = joinSchedules([linearSchedule({ init: 0, end: 1, transitionSteps: 4 }), cosineDecay({ init: 1, decaySteps: 4 })], [4]);
    expect([0, 1, 2, 3].map(s)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(s(4)).toBe(1);
    expect(s(6)).toBeCloseTo(0.5, 15);
    expect(s(8)).toBeCloseTo(0, 15);
  });

  it('schedules are pure: the same step gives the same value whatever was asked before', () => {
    const schedules = [
      stepSchedule({ init: 1, stepSize: 7 }),
      exponentialDecay({ init: 1, decayRate: 0.3, transitionSteps: 5, staircase: true }),
      cosineDecay({ init: 1, decaySteps: 50 }),
    ];
    fc.assert(
      fc.property(fc.array(fc.nat(200), { minLength: 1, maxLength: 20 }), (steps) => {
        for (const s of schedules) {
          const first = steps.map(s);
          expect([...steps].reverse().map(s).reverse()).toEqual(first);
        }
      }),
    );
  });

  it.each([
    ['stepSchedule stepSize 0', () => stepSchedule({ init: 1, stepSize: 0 }), /stepSchedule: expected stepSize to be a positive integer, got 0/],
    ['cosineDecay alpha 2', () => cosineDecay({ init: 1, decaySteps: 10, alpha: 2 }), /cosineDecay: expected alpha in \[0, 1\], got 2/],
    ['cosineDecay decaySteps 1.5', () => cosineDecay({ init: 1, decaySteps: 1.5 }), /decaySteps to be a positive integer, got 1.5/],
    ['exponentialDecay rate < 0', () => exponentialDecay({ init: 1, decayRate: -1 }), /exponentialDecay: expected decayRate ≥ 0/],
    ['constantSchedule NaN', () => constantSchedule(NaN), /constantSchedule: expected a finite value, got NaN/],
    ['joinSchedules count', () => joinSchedules([constantSchedule(1)], [3]), /joinSchedules: expected 0 boundaries for 1 schedules, got 1/],
    [
      'joinSchedules order',
      () => joinSchedules([constantSchedule(1), constantSchedule(2), constantSchedule(3)], [5, 2]),
      /expected increasing non-negative integer boundaries, got \[5, 2\]/,
    ],
  ])('%s is refused', (_, make, message) => {
    expect(make).toThrow(message);
  });
});
