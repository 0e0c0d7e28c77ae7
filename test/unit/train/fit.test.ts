/**
 * Training as a fold: trainStep is pure, fit converges on y = 3x + 2, is reproducible from its key,
 * resumes from any epoch to the same result, and stops on a non-finite loss naming where.
 */
import { describe, expect, it } from 'vitest';
import {
  cpuBackend,
  foldIn,
  item,
  key,
  linear,
  mean,
  mul,
  referenceBackend,
  split,
  sub,
  tensor,
  toArray,
  uniformValues,
  type Backend,
  type Key,
  type Tensor,
} from '../../../src/core/index.js';
import { adam, dataset, fit, initTrainState, NonFiniteLossError, sequentialBatches, sgd, shuffledBatches, trainStep, type HostBatch } from '../../../src/train/index.js';
import { snapshot } from './helpers.js';

type Params = { readonly weight: Tensor; readonly bias: Tensor };
interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** 70 examples of y = 3x + 2, x uniform in [-1, 1). */
const line = () => {
  const x = Float32Array.from(uniformValues(key(3), 70), (u) => 2 * u - 1);
  return dataset({ features: x, featureShape: [1], labels: x.map((v) => 3 * v + 2), labelShape: [1] });
};

const mse = (params: Params, batch: Batch): Tensor => {
  const residual = sub(linear(batch.x, params.weight, params.bias), batch.y);
  return mean(mul(residual, residual));
};

const toBatch = (b: HostBatch, backend: Backend): Batch => ({ x: tensor(backend, b.x, b.xShape), y: tensor(backend, b.y, b.yShape) });

const initParams = (backend: Backend): Params => ({ weight: tensor(backend, [0.1], [1, 1]), bias: tensor(backend, [0], [1]) });

const train = (backend: Backend, overrides: Partial<Parameters<typeof fit<Params, unknown, Batch, Float32Array>>[0]> = {}) =>
  fit<Params, unknown, Batch, Float32Array>({
    params: initParams(backend),
    optimizer: adam({ lr: 0.1 }),
    loss: mse,
    train: line(),
    batchSize: 16,
    epochs: 4,
    key: key(0),
    backend,
    toBatch,
    ...overrides,
  });

describe('trainStep', () => {
  it('is pure: the same state and batch give the same next state, and the inputs keep their values', async () => {
    const backend = referenceBackend();
    const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
    const step = trainStep({ loss: mse, optimizer });
    const state = initTrainState(initParams(backend), optimizer);
    const [host] = sequentialBatches(line(), 8);
    const batch = toBatch(host, backend);
    const before = await snapshot([state.params.weight, state.params.bias, batch.x, batch.y]);
    const a = step(state, batch);
    const b = step(state, batch);
    expect(await snapshot([a.state.params.weight, a.state.params.bias])).toEqual(await snapshot([b.state.params.weight, b.state.params.bias]));
    expect(await item(a.loss)).toBe(await item(b.loss));
    expect(a.state.step).toBe(1);
    expect(state.step).toBe(0);
    expect(await snapshot([state.params.weight, state.params.bias, batch.x, batch.y])).toEqual(before);
    // The loss is the one at the params before the update.
    expect(await item(a.loss)).toBe(await item(mse(state.params, batch)));
  });

  it('passes aux through with hasAux', async () => {
    const backend = referenceBackend();
    const optimizer = sgd({ lr: 0.1 });
    const step = trainStep({
      loss: (p: Params, b: Batch) => {
        const prediction = linear(b.x, p.weight, p.bias);
        return [mean(mul(sub(prediction, b.y), sub(prediction, b.y))), prediction] as const;
      },
      optimizer,
      hasAux: true,
    });
    const batch = { x: tensor(backend, [1, 2], [2, 1]), y: tensor(backend, [5, 8], [2, 1]) };
    const { aux } = step(initTrainState(initParams(backend), optimizer), batch);
    expect(aux.node).toBeUndefined();
    expect(Array.from(await toArray(aux))).toEqual([0.1, 0.2]);
  });
});

describe('fit', () => {
  it.each([
    ['reference', referenceBackend],
    ['cpu', cpuBackend],
  ])('learns y = 3x + 2 on %s', async (_, makeBackend) => {
    const backend = makeBackend();
    const { params, history, step } = await train(backend, { epochs: 60 });
    const [[w], [b]] = await snapshot([params.weight, params.bias]);
    expect(w).toBeCloseTo(3, 2);
    expect(b).toBeCloseTo(2, 2);
    expect(step).toBe(60 * 5);
    expect(history).toHaveLength(60);
    expect(history[59].loss).toBeLessThan(1e-4);
    expect(history[59].loss).toBeLessThan(history[0].loss / 100);
  });

  it('records sample-weighted epoch losses, step losses and onEpoch metrics', async () => {
    const steps: Array<{ epoch: number; step: number; batchIndex: number; size: number; loss: number }> = [];
    const { history } = await train(referenceBackend(), {
      epochs: 2,
      onStep: ({ epoch, step, batchIndex, size, loss }) => {
        steps.push({ epoch, step, batchIndex, size, loss });
      },
      onEpoch: ({ epoch, steps: count }) => ({ twice: 2 * epoch, count }),
    });
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.map((s) => s.batchIndex)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(steps.map((s) => s.size)).toEqual([16, 16, 16, 16, 6, 16, 16, 16, 16, 6]);
    history.forEach((record, epoch) => {
      const mine = steps.filter((s) => s.epoch === epoch);
      expect(Array.from(record.stepLosses)).toEqual(mine.map((s) => s.loss));
      expect(record.loss).toBeCloseTo(mine.reduce((t, s) => t + s.loss * s.size, 0) / 70, 14);
      expect(record.samples).toBe(70);
      expect(record.metrics).toEqual({ twice: 2 * epoch, count: 5 });
    });
  });

  it('is reproducible from its key, and a different key shuffles differently', async () => {
    const backend = referenceBackend();
    const a = await train(backend);
    const b = await train(backend);
    const c = await train(backend, { key: key(1) });
    const values = (r: typeof a) => snapshot([r.params.weight, r.params.bias]);
    expect(await values(b)).toEqual(await values(a));
    expect(await values(c)).not.toEqual(await values(a));
  });

  it('resumes from any epoch to the same result (epoch e depends only on key and e)', async () => {
    const backend = cpuBackend();
    const full = await train(backend, { epochs: 4 });
    const firstHalf = await train(backend, { epochs: 2 });
    const resumed = await train(backend, { params: firstHalf.params, optState: firstHalf.optState, startEpoch: 2, epochs: 4 });
    expect(resumed.step).toBe(full.step);
    expect(await snapshot([resumed.params.weight, resumed.params.bias])).toEqual(await snapshot([full.params.weight, full.params.bias]));
    expect(resumed.history.map((h) => h.loss)).toEqual(full.history.slice(2).map((h) => h.loss));
  });

  it('shuffles epoch e with the first key of split(foldIn(key, e)), so epochs differ and can be replayed alone', async () => {
    const orders: number[][] = [[], [], []];
    let epoch = 0;
    await train(referenceBackend(), {
      epochs: 3,
      toBatch: (b, backend) => {
        orders[epoch].push(...b.indices);
        return toBatch(b, backend);
      },
      onEpoch: () => {
        epoch++;
      },
    });
    const replay = (e: number) => [...shuffledBatches(line(), 16, split(foldIn(key(0), e), 2)[0])].flatMap((b) => Array.from(b.indices));
    expect(orders).toEqual([replay(0), replay(1), replay(2)]);
    expect(orders[1]).not.toEqual(orders[0]);
  });

  it('gives every step its own reproducible key', async () => {
    const keys = async () => {
      const seen: Key[] = [];
      await train(referenceBackend(), {
        epochs: 2,
        toBatch: (b, backend, stepKey) => {
          seen.push(stepKey);
          return toBatch(b, backend);
        },
      });
      return seen.map((k) => k.words.join(':'));
    };
    const first = await keys();
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    expect(await keys()).toEqual(first);
  });

  it.each([NaN, Infinity])('stops on a %s loss with an error naming epoch and step', async (poison) => {
    const backend = referenceBackend();
    let calls = 0;
    const seenSteps: number[] = [];
    const run = train(backend, {
      // The 7th batch (epoch 1, batch 1, global step 6) carries a poisoned target.
      toBatch: (b, be) => {
        const batch = toBatch(b, be);
        return calls++ === 6 ? { ...batch, y: tensor(be, new Float32Array(b.size).fill(poison), b.yShape) } : batch;
      },
      onStep: ({ step }) => {
        seenSteps.push(step);
      },
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const nonFinite = error as NonFiniteLossError;
    expect(nonFinite.message).toMatch(new RegExp(`^fit: non-finite loss ${poison === Infinity ? 'Infinity' : 'NaN'} at epoch 1, step 6 \\(batch 1 of 5`));
    expect([nonFinite.epoch, nonFinite.step, nonFinite.batchIndex]).toEqual([1, 6, 1]);
    expect(nonFinite.state.step).toBe(6);
    expect(seenSteps).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('validates its arguments', async () => {
    const backend = referenceBackend();
    await expect(train(backend, { batchSize: 0 })).rejects.toThrow(/fit: expected batchSize to be an integer ≥ 1, got 0/);
    await expect(train(backend, { epochs: -1 })).rejects.toThrow(/fit: expected epochs to be an integer ≥ 0, got -1/);
    await expect(train(backend, { startEpoch: 5 })).rejects.toThrow(/fit: expected startEpoch ≤ epochs \(4\), got 5/);
    await expect(train(backend, { batchSize: 100, dropLast: true })).rejects.toThrow(
      /fit: expected at least one batch per epoch, got none \(70 examples, batchSize 100, dropLast\)/,
    );
  });
});
