import { describe, expect, it } from 'vitest';
import { cpuBackend, isTensor, key, normal, referenceBackend, split, toArray, type Backend, type Tensor } from '../../../src/core/index.js';
import { adam, adamw, applyUpdates, cosineDecay, optimizerStep, scaleByAdam, type GradientTransformation } from '../../../src/train/index.js';

/** The same backend without its fused kernel, so scaleByAdam composes the formula from ops. */
const withoutFusedAdam = (backend: Backend): Backend => {
  const { adamStep: _omitted, ...rest } = backend;
  return rest;
};

const run = async (backend: Backend, steps: number): Promise<Float64Array[]> => {
  const keys = split(key(3), steps + 1);
  const params = { w: normal(backend, keys[0], [37, 11]), b: normal(backend, keys[1], [11]) };
  const adam = scaleByAdam({ b1: 0.8, b2: 0.95, eps: 1e-3 });
  let state = adam.init(params);
  const out: Float64Array[] = [];
  for (let t = 0; t < steps; t++) {
    const grads = { w: normal(backend, keys[t + 1], [37, 11], { std: 3 }), b: normal(backend, split(keys[t + 1])[0], [11]) };
    const [updates, next] = adam.update(grads, state);
    state = next;
    for (const tensor of [updates.w, updates.b, (state.mu as { w: Tensor }).w, (state.nu as { w: Tensor }).w]) out.push(Float64Array.from(await toArray(tensor)));
  }
  return out;
};

describe('scaleByAdam fused backend kernel', () => {
  it('matches the composed formula bitwise in float64', async () => {
    const reference = referenceBackend();
    expect(reference.adamStep).toBeDefined();
    expect(await run(reference, 5)).toEqual(await run(withoutFusedAdam(reference), 5));
  });

  it('matches the composed formula to float32 rounding on cpu', async () => {
    const cpu = cpuBackend();
    const fused = await run(cpu, 5);
    const composed = await run(withoutFusedAdam(cpu), 5);
    fused.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - composed[i][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(composed[i][j])))));
  });
});

/** Tensors and numbers of an optimizer state, in a stable order. */
const stateLeaves = (state: unknown): (Tensor | number)[] => {
  if (typeof state === 'number') return [state];
  if (isTensor(state)) return [state];
  if (Array.isArray(state)) return state.flatMap(stateLeaves);
  if (state !== null && typeof state === 'object') return Object.keys(state).sort().flatMap((k) => stateLeaves((state as Record<string, unknown>)[k]));
  return [];
};

describe('adam / adamw updateAndApply (the fused step)', () => {
  const cases = [
    ['adam', () => adam({ lr: 0.05 })],
    ['adam, coupled decay, masked', () => adam({ lr: 0.05, weightDecay: 0.1, weightDecayMask: (path) => !path.endsWith('b') })],
    ['adamw defaults', () => adamw({ lr: 0.05 })],
    ['adamw, schedule, masked decay', () => adamw({ lr: cosineDecay({ init: 0.1, decaySteps: 3 }), weightDecay: 0.3, weightDecayMask: (path) => path !== 'b' })],
  ] as const;

  const trajectories = async (backend: Backend, make: () => GradientTransformation<unknown>, fused: boolean): Promise<Float64Array[]> => {
    const keys = split(key(11), 8);
    let params = { w: normal(backend, keys[0], [13, 7]), b: normal(backend, keys[1], [7]) };
    const optimizer = make();
    let state = optimizer.init(params);
    const out: Float64Array[] = [];
    for (let t = 0; t < 5; t++) {
      const grads = { w: normal(backend, keys[t + 2], [13, 7]), b: normal(backend, split(keys[t + 2])[1], [7]) };
      if (fused) {
        expect(optimizer.updateAndApply).toBeDefined();
        [params, state] = optimizerStep(optimizer, grads, state, params);
      } else {
        const [updates, next] = optimizer.update(grads, state, params);
        params = applyUpdates(params, updates);
        state = next;
      }
      for (const leaf of [params.w, params.b, ...stateLeaves(state)]) out.push(typeof leaf === 'number' ? Float64Array.of(leaf) : Float64Array.from(await toArray(leaf)));
    }
    return out;
  };

  it.each(cases)('%s: params and state equal the chain + applyUpdates bitwise in float64', async (_name, make) => {
    const reference = referenceBackend();
    expect(await trajectories(reference, make, true)).toEqual(await trajectories(reference, make, false));
  });

  it.each(cases)('%s: agrees with the chain to float32 rounding on cpu', async (_name, make) => {
    const cpu = cpuBackend();
    const fused = await trajectories(cpu, make, true);
    const chained = await trajectories(cpu, make, false);
    fused.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - chained[i][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(chained[i][j])))));
  });

  it('falls back to the chain when a backend has no fused kernel', async () => {
    const plain = withoutFusedAdam(referenceBackend());
    expect(await trajectories(plain, cases[1][1], true)).toEqual(await trajectories(plain, cases[1][1], false));
  });
});
