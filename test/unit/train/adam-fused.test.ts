import { describe, expect, it } from 'vitest';
import { cpuBackend, key, normal, referenceBackend, split, toArray, type Backend, type Tensor } from '../../../src/core/index.js';
import { scaleByAdam } from '../../../src/train/index.js';

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
