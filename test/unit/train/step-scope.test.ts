/**
 * trainStep runs each step in a buffer scope (Backend.scope): on the cpu backend with threads, the
 * step's large products are computed in place in an arena and released when the step returns.
 * Nobody can tell but a loss function that keeps its intermediates: results are bitwise those of
 * a backend without scopes, what the step returns (aux included) stays valid, and a kept
 * intermediate is refused by every op.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendError, cpuBackend, key, linear, mean, mul, sub, tensor, toArray, uniformValues,
  type Backend, type CpuBackend, type Tensor,
} from '../../../src/core/index.js';
import { adam, initTrainState, trainStep } from '../../../src/train/index.js';
import { tensorsIn } from '../../../src/train/state-memory.js';

// Large enough for the threaded kernel to share the products: 2·64·512·128 = 8.4 MFLOP.
const [N, F, H] = [64, 512, 128];
type Params = { readonly w1: Tensor; readonly b1: Tensor; readonly w2: Tensor; readonly b2: Tensor };
const init = (be: Backend): Params => ({
  w1: tensor(be, Float32Array.from(uniformValues(key(1), H * F), (u) => (u - 0.5) / 16), [H, F]),
  b1: tensor(be, new Float32Array(H), [H]),
  w2: tensor(be, Float32Array.from(uniformValues(key(2), H), (u) => u - 0.5), [1, H]),
  b2: tensor(be, new Float32Array(1), [1]),
});
const batch = (be: Backend, seed: number) => ({
  x: tensor(be, Float32Array.from(uniformValues(key(10 + seed), N * F), (u) => Math.max(0, 2 * u - 1)), [N, F]),
  y: tensor(be, Float32Array.from(uniformValues(key(20 + seed), N), (u) => u), [N, 1]),
});
const values = async (tree: unknown): Promise<number[][]> => Promise.all(tensorsIn(tree).map(async (t) => Array.from(await toArray(t))));

const backends: CpuBackend[] = [];
const cpu = (): CpuBackend => {
  const be = cpuBackend({ threads: 2 });
  backends.push(be);
  return be;
};
afterAll(async () => {
  await Promise.all(backends.map((be) => be.close()));
});

describe('trainStep in a buffer scope (cpu backend, 2 threads)', () => {
  const stash: Tensor[] = [];
  const loss = (p: Params, b: { x: Tensor; y: Tensor }) => {
    const hidden = linear(b.x, p.w1, p.b1, { activation: 'relu' });
    stash.push(hidden);
    const r = sub(linear(hidden, p.w2, p.b2), b.y);
    return [mean(mul(r, r)), hidden] as const;
  };

  it('gives bitwise the results of a backend without scopes, and its aux stays valid', async () => {
    const scoped = cpu();
    expect(scoped.scope).toBeDefined();
    const plain: Backend = { ...cpu(), scope: undefined };
    const run = async (be: Backend) => {
      const optimizer = adam({ lr: 0.01 });
      const step = trainStep({ loss, optimizer, hasAux: true });
      let state = initTrainState(init(be), optimizer);
      const auxes: Tensor[] = [];
      const losses: number[] = [];
      for (let t = 0; t < 4; t++) {
        const out = step(state, batch(be, t));
        auxes.push(out.aux);
        losses.push((await toArray(out.loss))[0]);
        state = out.state;
      }
      return { state, auxes: await values(auxes), losses };
    };
    const [a, b] = [await run(scoped), await run(plain)];
    expect(a.losses).toEqual(b.losses);
    expect(await values(a.state)).toEqual(await values(b.state));
    expect(a.auxes).toEqual(b.auxes); // read after all four steps: the aux of step 0 was persisted
  });

  it('refuses an intermediate a loss function kept, and says where scopes went wrong', async () => {
    const be = cpu();
    stash.length = 0;
    const optimizer = adam({ lr: 0.01 });
    trainStep({ loss, optimizer, hasAux: true })(initTrainState(init(be), optimizer), batch(be, 0));
    const [hidden] = stash;
    await expect(toArray(hidden)).rejects.toThrow(BackendError);
    await expect(toArray(hidden)).rejects.toThrow(/download: .*released/);
    expect(() => mul(hidden, 2)).toThrow(/released/);

    const outer = be.scope?.();
    const inner = be.scope?.();
    expect(() => outer?.end()).toThrow(/cpu scope: expected scopes to end in the reverse order/);
    inner?.end();
    outer?.end();
  });

  it('owns only what was made inside it', async () => {
    const be = cpu();
    const p = init(be);
    const x = batch(be, 1).x;
    const before = linear(x, p.w1);
    const scope = be.scope?.();
    if (scope === undefined) throw new Error('no scope');
    const inside = linear(x, p.w1);
    const small = mul(p.b1, 2);
    expect(scope.owns(inside.buffer)).toBe(true);
    expect(scope.owns(before.buffer)).toBe(false);
    expect(scope.owns(small.buffer)).toBe(false); // small results are plain arrays
    scope.end();
    expect(Array.from(await toArray(before))).toHaveLength(N * H);
    await expect(toArray(inside)).rejects.toThrow(/released/);
  });
});
