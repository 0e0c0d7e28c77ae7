/**
 * fit lets the cpu backend recycle the optimizer state of finished steps and each batch after its
 * step (Backend.release), and evaluate its own inputs; nobody can tell: the results are bitwise those of a run where nothing is recycled, every state
 * fit hands out (to onStep when read, to onEpoch, in errors, as its result) keeps its values after
 * training goes on, and a tensor that was recycled behind a loss function's back is refused loudly
 * by every op instead of being read.
 */
import { describe, expect, it } from 'vitest';
import {
  BackendError, cpuBackend, key, linear, mean, mul, sub, tensor, toArray, uniformValues,
  type Backend, type Tensor,
} from '../../../src/core/index.js';
import { adam, dataset, evaluate, fit, NonFiniteLossError, type HostBatch, type TrainState } from '../../../src/train/index.js';
import { durable, mapTensors, retire, tensorsIn } from '../../../src/train/state-memory.js';

type Params = { readonly w1: Tensor; readonly b1: Tensor; readonly w2: Tensor; readonly b2: Tensor };
interface Batch { readonly x: Tensor; readonly y: Tensor }

/**
 * 96 examples of a smooth function of 300 inputs: a batch of 16 holds 4,800 floats, enough for
 * the cpu backend with threads to upload it into its arena.
 */
const F = 300;
const data = () => {
  const x = Float32Array.from(uniformValues(key(11), 96 * F), (u) => 2 * u - 1);
  const y = Float32Array.from({ length: 96 }, (_, i) => Math.sin(x[F * i]) + x[F * i + 1] * x[F * i + 2]);
  return dataset({ features: x, featureShape: [F], labels: y, labelShape: [1] });
};
const init = (backend: Backend): Params => ({
  w1: tensor(backend, Float32Array.from(uniformValues(key(12), 8 * F), (u) => (u - 0.5) / 8), [8, F]),
  b1: tensor(backend, new Float32Array(8), [8]),
  w2: tensor(backend, Float32Array.from(uniformValues(key(13), 8), (u) => u - 0.5), [1, 8]),
  b2: tensor(backend, new Float32Array(1), [1]),
});
const loss = (p: Params, b: Batch): Tensor => {
  const r = sub(linear(linear(b.x, p.w1, p.b1, { activation: 'relu' }), p.w2, p.b2), b.y);
  return mean(mul(r, r));
};
const toBatch = (h: HostBatch, be: Backend): Batch => ({ x: tensor(be, h.x, h.xShape), y: tensor(be, h.y, h.yShape) });
const values = async (tree: unknown): Promise<number[][]> => Promise.all(tensorsIn(tree).map(async (t) => Array.from(await toArray(t))));
/** The cpu backend without release and persist: fit then recycles nothing. */
const keepingAll = (threads: number): Backend => ({ ...cpuBackend({ threads }), release: undefined, persist: undefined });

const run = (backend: Backend, extra: Partial<Parameters<typeof fit<Params, unknown, Batch, Float32Array>>[0]> = {}) =>
  fit<Params, unknown, Batch, Float32Array>({
    params: init(backend), optimizer: adam({ lr: 0.01 }), loss, train: data(), batchSize: 16, epochs: 3, key: key(1), backend, toBatch, ...extra,
  });

describe.each([1, 2])('fit on a backend that recycles state, %i thread(s)', (threads) => {
  it('gives bitwise the results of a run that recycles nothing', async () => {
    const recycled = await run(cpuBackend({ threads }));
    const kept = await run(keepingAll(threads));
    expect(await values(recycled.params)).toEqual(await values(kept.params));
    expect(await values(recycled.optState)).toEqual(await values(kept.optState));
    expect(recycled.history.map((h) => Array.from(h.stepLosses))).toEqual(kept.history.map((h) => Array.from(h.stepLosses)));
  });

  it('hands out states that keep their values while training goes on', async () => {
    const seen: Array<{ readonly state: TrainState<Params, unknown>; readonly at: number[][] }> = [];
    const remember = async (state: TrainState<Params, unknown>): Promise<void> => {
      seen.push({ state, at: await values(state) });
    };
    const result = await run(cpuBackend({ threads }), {
      onStep: async (info) => {
        if (info.step % 4 === 0) await remember(info.state);
      },
      onEpoch: (info) => remember(info.state),
    });
    expect(seen.length).toBeGreaterThan(5);
    for (const { state, at } of seen) expect(await values(state)).toEqual(at);
    const final = await values(result.params);
    await run(cpuBackend({ threads })); // more training on another backend changes nothing either
    expect(await values(result.params)).toEqual(final);
  });

  it('keeps the state of a NonFiniteLossError usable', async () => {
    let calls = 0;
    const error = await run(cpuBackend({ threads }), {
      toBatch: (h, be) => {
        const batch = toBatch(h, be);
        return calls++ === 9 ? { ...batch, y: tensor(be, new Float32Array(h.size).fill(NaN), h.yShape) } : batch;
      },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const state = (error as NonFiniteLossError).state as TrainState<Params, unknown>;
    expect((await values(state.params)).flat().every(Number.isFinite)).toBe(true);
  });

  it('refuses, in every op, a params tensor a loss function kept after fit recycled it', async () => {
    const stash: Tensor[] = [];
    await run(cpuBackend({ threads }), {
      loss: (p, b) => {
        stash.push(p.w1);
        return loss(p, b);
      },
    });
    // The first step's params are the caller's (never recycled); those of step 2 were recycled.
    const stale = stash[2];
    await expect(toArray(stale)).rejects.toThrow(BackendError);
    await expect(toArray(stale)).rejects.toThrow(/download: .*released/);
    expect(() => mul(stale, 2)).toThrow(/mul: .*released/);
    expect(() => linear(tensor(stale.backend, new Float32Array(F), [1, F]), stale)).toThrow(/matmul: .*released/);
    const hyper = { b1: 0.9, b2: 0.999, stepScale: -1e-3, epsScaled: 1e-8, applyFactor: 1 };
    expect(() => stale.backend.adamStep?.(stale.buffer, stale.buffer, stale.buffer, stale.shape, hyper, stale.buffer)).toThrow(/adam.*released/);
    await toArray(stash[0]); // the caller's own params stay valid
  });

  it('releases each batch after its step (with threads, large batches live in an arena)', async () => {
    const batches: Batch[] = [];
    await run(cpuBackend({ threads }), {
      toBatch: (h, be) => {
        const batch = toBatch(h, be);
        batches.push(batch);
        return batch;
      },
    });
    const refused = await Promise.all(batches.map((b) => toArray(b.x).then(() => false, () => true)));
    // 1 thread: uploads are plain arrays, which release does not touch.
    expect(refused.every((r) => r === (threads > 1))).toBe(true);
  });
});

describe('fit with an aux that holds the batch, 2 threads', () => {
  it('hands out the batch values as aux and still releases every batch', async () => {
    const batches: Batch[] = [];
    const seen: number[][] = [];
    const backend = cpuBackend({ threads: 2 });
    await fit<Params, unknown, Batch, Float32Array, Tensor>({
      params: init(backend), optimizer: adam({ lr: 0.01 }), train: data(), batchSize: 16, epochs: 1, key: key(1), backend,
      toBatch: (h, be) => {
        const batch = toBatch(h, be);
        batches.push(batch);
        return batch;
      },
      loss: (p, b) => [loss(p, b), b.x] as const,
      hasAux: true,
      onStep: async ({ aux }) => {
        seen.push(Array.from(await toArray(aux)));
      },
    });
    expect(seen).toHaveLength(batches.length);
    expect(seen[0]).toHaveLength(16 * F);
    // Every batch is released, also those that were the step's aux (the aux was copied first).
    const refused = await Promise.all(batches.map((b) => toArray(b.x).then(() => false, () => true)));
    expect(refused.every(Boolean)).toBe(true);
  });
});

describe.each([1, 2])('evaluate, %i thread(s)', (threads) => {
  it('releases the inputs it uploaded once their outputs are read back', async () => {
    const backend = cpuBackend({ threads });
    const params = init(backend);
    const inputs: Tensor[] = [];
    const result = await evaluate((x) => {
      inputs.push(x);
      return linear(x, params.w1, params.b1);
    }, data(), 16, backend);
    expect(result.samples).toBe(96);
    const refused = await Promise.all(inputs.map((x) => toArray(x).then(() => false, () => true)));
    expect(refused.every((r) => r === (threads > 1))).toBe(true);
  });
});

describe('state-memory helpers', () => {
  it('map and list the tensors of plain records and arrays, keeping other values', () => {
    const backend = cpuBackend({ threads: 1 });
    const [a, b] = [tensor(backend, [1], [1]), tensor(backend, [2], [1])];
    const state = { params: { a }, optState: [{ count: 3 }, { mu: [b] }], step: 4, when: new Date(0) };
    expect(tensorsIn(state)).toEqual([a, b]);
    const mapped = mapTensors(state, (t) => (t === a ? b : t));
    expect(mapped.params.a).toBe(b);
    expect(mapped.optState[0]).toEqual({ count: 3 });
    expect(mapped.when).toBe(state.when);
    expect(durable(state).params.a).toBe(a); // not recyclable: itself
  });

  it('retires only buffers no newer state holds, on backends that recycle', async () => {
    const backend = cpuBackend({ threads: 1 });
    const released: unknown[] = [];
    const spy: Backend = { ...backend, release: (x) => released.push(x) };
    const [shared, gone] = [tensor(spy, [1], [1]), tensor(spy, [2], [1])];
    retire({ p: [shared, gone, gone] }, [{ p: [shared] }]);
    expect(released).toEqual([gone.buffer]);
    retire({ p: [shared] }, [{ p: [shared] }]);
    expect(released).toHaveLength(1);
    const noPersist: Backend = { ...spy, persist: undefined };
    retire({ p: [tensor(noPersist, [3], [1])] }, []);
    expect(released).toHaveLength(1);
  });
});
