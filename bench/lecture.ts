/**
 * The lecture's workload, timed piece by piece on one backend: a per-phase profile of a training
 * step (data, forward + loss, backward, optimizer), whole training epochs (training only, first
 * epoch reported separately as warm-up), the forward pass over the 10,000 test images, and peak
 * RSS. Used by bench/main.ts; numbers are medians.
 */
import { adam, crossEntropy, dataset, shuffledBatches, optimizerStep, fit, type Dataset } from '../src/index.js';
import { key, split, tensor, toArray, valueAndGrad, type Backend, type Tensor } from '../src/core/index.js';
import { mnistModel } from '../examples/mnist/run.js';
import { retire } from '../src/train/state-memory.js';
import type { Mnist } from '../src/io/index.js';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const now = (): number => performance.now();

export interface PhaseProfile {
  readonly dataMs: number;
  readonly forwardMs: number;
  readonly backwardMs: number;
  readonly optimizerMs: number;
  readonly stepMs: number;
}

const datasets = (mnist: Mnist): { train: Dataset<Int32Array>; test: Dataset<Int32Array> } => ({
  train: dataset({ features: mnist.train.images, featureShape: [784], labels: mnist.train.labels }),
  test: dataset({ features: mnist.test.images, featureShape: [784], labels: mnist.test.labels }),
});

/** Times each phase of `steps` training steps separately (each awaited, so device work is included). */
export const profileStep = async (backend: Backend, mnist: Mnist, steps = 60): Promise<PhaseProfile> => {
  const { train } = datasets(mnist);
  const model = mnistModel(256);
  let params = model.init(key(0), backend);
  const optimizer = adam({ lr: 1e-3 });
  let optState = optimizer.init(params);
  type Params = typeof params;
  const lossOf = (p: Params, x: Tensor, labels: Int32Array) => crossEntropy(model.apply(p, x), labels);
  const gradOf = valueAndGrad(lossOf);
  const phases = { data: [] as number[], forward: [] as number[], backward: [] as number[], optimizer: [] as number[], step: [] as number[] };
  const batches = shuffledBatches(train, 256, key(1), { dropLast: true })[Symbol.iterator]();
  for (let i = 0; i < steps; i++) {
    const t0 = now();
    const next = batches.next(); // the gather of 256 shuffled rows: part of the data phase
    if (next.done === true) break;
    const host = next.value;
    const x = tensor(backend, host.x, host.xShape);
    await toArray(x);
    const t1 = now();
    await toArray(lossOf(params, x, host.y));
    const t2 = now();
    const [loss, grads] = gradOf(params, x, host.y);
    await Promise.all([toArray(loss), toArray(grads.lin_1.weight)]);
    const t3 = now();
    const before = { params, optState };
    [params, optState] = optimizerStep(optimizer, grads, optState, params);
    await toArray(params.lin_1.weight);
    const t4 = now();
    // As fit does: the batch and the previous state are released (their memory is recycled).
    retire(x, []);
    retire(before, [{ params, optState }]);
    phases.data.push(t1 - t0);
    phases.forward.push(t2 - t1);
    phases.backward.push(t3 - t2 - (t2 - t1));
    phases.optimizer.push(t4 - t3);
    phases.step.push(t1 - t0 + (t4 - t2));
  }
  const warm = (xs: number[]) => median(xs.slice(Math.min(10, xs.length - 1)));
  return { dataMs: warm(phases.data), forwardMs: warm(phases.forward), backwardMs: warm(phases.backward), optimizerMs: warm(phases.optimizer), stepMs: warm(phases.step) };
};

export interface EpochTiming {
  readonly epochSeconds: readonly number[];
  readonly testAccuracy: number;
  readonly forwardTestSeconds: number;
  readonly peakRssMb: number;
  readonly rssMbPerEpoch: readonly number[];
}

/** Trains `epochs` full epochs with `fit` (training only timed) and times the test-set forward pass. */
export const timeEpochs = async (backend: Backend, mnist: Mnist, epochs: number): Promise<EpochTiming> => {
  const { train, test } = datasets(mnist);
  const model = mnistModel(256);
  const [initKey, trainKey] = split(key(0), 2);
  const epochSeconds: number[] = [];
  const rss: number[] = [];
  let peak = process.memoryUsage().rss;
  let start = now();
  const result = await fit({
    params: model.init(initKey, backend),
    optimizer: adam({ lr: 1e-3 }),
    loss: (p, batch: { x: Tensor; labels: Int32Array }) => crossEntropy(model.apply(p, batch.x), batch.labels),
    train,
    batchSize: 256,
    epochs,
    key: trainKey,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), labels: host.y }),
    onStep: ({ batchIndex }) => {
      if (batchIndex % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    },
    onEpoch: () => {
      epochSeconds.push((now() - start) / 1000);
      const r = process.memoryUsage().rss;
      peak = Math.max(peak, r);
      rss.push(r / 2 ** 20);
      start = now();
    },
  });
  const x = tensor(backend, test.features, [test.size, 784]);
  const forwards: number[] = [];
  let correct = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    const logits = await toArray(model.apply(result.params, x));
    forwards.push((now() - t0) / 1000);
    correct = 0;
    for (let i = 0; i < test.size; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
      if (best === test.labels[i]) correct++;
    }
  }
  return { epochSeconds, testAccuracy: correct / test.size, forwardTestSeconds: median(forwards), peakRssMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20, rssMbPerEpoch: rss };
};
