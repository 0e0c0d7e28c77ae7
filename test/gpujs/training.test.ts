/**
 * Training through the gpujs backend: forward and backward of `linear` + `softmaxCrossEntropy`
 * on an MLP through `valueAndGrad`, against the float64 reference, then plain SGD steps taken in
 * lockstep on both backends (parameters stay on the device between steps; only the loss is read
 * back), for every gpu.js mode that starts here.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Backend, CrossEntropyTargets } from '../../src/core/backend/backend.js';
import { valueAndGrad } from '../../src/core/autodiff/grad.js';
import { mean } from '../../src/core/ops.js';
import { linear } from '../../src/core/primitives/linear.js';
import { mul } from '../../src/core/primitives/mul.js';
import { softmaxCrossEntropy } from '../../src/core/primitives/softmax-cross-entropy.js';
import { sub } from '../../src/core/primitives/sub.js';
import { key, normalValues, split, uniformValues } from '../../src/core/random.js';
import { item, tensor, toArray, type Tensor } from '../../src/core/tensor.js';
import { treeMap, treeZip } from '../../src/core/tree.js';
import { reference } from './cases.js';
import { collectGarbage, GPU_API_MODES, relativeError, startModes } from './harness.js';

// Kernel compilation (10-250 ms each on the software GPUs) dominates; a loaded machine must not time out.
vi.setConfig({ testTimeout: 60_000 });
const started = await startModes();
afterAll(() => started.stop());

// A type alias, not an interface: trees are records with an index signature.
type Params = {
  readonly lin_1: { readonly weight: Tensor; readonly bias: Tensor };
  readonly lin_2: { readonly weight: Tensor; readonly bias: Tensor };
};

interface Problem {
  readonly x: Float32Array;
  readonly targets: CrossEntropyTargets;
  readonly host: { readonly [name: string]: { readonly values: Float32Array; readonly shape: readonly number[] } };
  readonly batch: number;
  readonly inputs: number;
}

/** Kaiming-normal weights, small random biases (so the bias gradients are not trivial). */
const problem = (seed: number, batch: number, inputs: number, hidden: number, classes: number): Problem => {
  const [kx, ky, k1, k2, kb] = split(key(seed), 5);
  const normal = (k: ReturnType<typeof key>, n: number, std: number) => Float32Array.from(normalValues(k, n), (v) => v * std);
  return {
    x: Float32Array.from(uniformValues(kx, batch * inputs)),
    targets: {
      labels: Int32Array.from(uniformValues(ky, batch), (u) => Math.floor(u * classes)),
      classWeights: undefined,
      labelSmoothing: 0,
      ignoreIndex: -100,
    },
    host: {
      'lin_1.weight': { values: normal(k1, hidden * inputs, Math.sqrt(2 / inputs)), shape: [hidden, inputs] },
      'lin_1.bias': { values: normal(kb, hidden, 0.1), shape: [hidden] },
      'lin_2.weight': { values: normal(k2, classes * hidden, Math.sqrt(2 / hidden)), shape: [classes, hidden] },
      'lin_2.bias': { values: new Float32Array(classes), shape: [classes] },
    },
    batch,
    inputs,
  };
};

const paramsOn = (backend: Backend, p: Problem): Params => {
  const t = (name: string) => tensor(backend, p.host[name].values, p.host[name].shape);
  return { lin_1: { weight: t('lin_1.weight'), bias: t('lin_1.bias') }, lin_2: { weight: t('lin_2.weight'), bias: t('lin_2.bias') } };
};

const lossFn = (targets: CrossEntropyTargets) => (params: Params, x: Tensor): Tensor => {
  const h = linear(x, params.lin_1.weight, params.lin_1.bias, { activation: 'relu', api: 'dense(lin_1)' });
  return mean(softmaxCrossEntropy(linear(h, params.lin_2.weight, params.lin_2.bias, { api: 'dense(lin_2)' }), targets));
};

/** Relative error of every leaf of `got` against `want`, by path. */
const treeErrors = async (got: Params, want: Params): Promise<Record<string, number>> => {
  const errors: Record<string, number> = {};
  const pairs: Promise<void>[] = [];
  treeZip([got, want], ([g, w], path) => {
    pairs.push(Promise.all([toArray(g), toArray(w)]).then(([a, b]) => void (errors[path] = relativeError(a, b))));
    return g;
  });
  await Promise.all(pairs);
  return errors;
};

describe.each(started.ran.map((backend) => [backend.description, backend] as const))('%s', (_, backend) => {
  it.each([
    ['a tiny MLP 7 -> 5 -> 3, batch 12', 1, 12, 7, 5, 3],
    ["the lecture's MLP 784 -> 256 -> 10, batch 64", 2, 64, 784, 256, 10],
  ] as const)('valueAndGrad of linear + softmaxCrossEntropy agrees with the reference: %s', async (_name, seed, batch, inputs, hidden, classes) => {
    const p = problem(seed, batch, inputs, hidden, classes);
    const f = lossFn(p.targets);
    const [loss, grads] = valueAndGrad(f)(paramsOn(backend, p), tensor(backend, p.x, [batch, inputs]));
    const [lossRef, gradsRef] = valueAndGrad(f)(paramsOn(reference, p), tensor(reference, p.x, [batch, inputs]));
    expect(Math.abs((await item(loss)) / (await item(lossRef)) - 1)).toBeLessThan(1e-5);
    for (const [path, error] of Object.entries(await treeErrors(grads, gradsRef))) {
      expect(error, `d loss / d ${path}: relative error ${error.toExponential(2)}`).toBeLessThan(1e-4);
    }
  });

  it('30 SGD steps in lockstep with the reference: the loss falls and the parameters agree', async () => {
    const p = problem(3, 24, 12, 16, 4);
    const step = (backend_: Backend) => {
      const f = valueAndGrad(lossFn(p.targets));
      const x = tensor(backend_, p.x, [p.batch, p.inputs]);
      return (params: Params): readonly [Tensor, Params] => {
        const [loss, grads] = f(params, x);
        return [loss, treeZip([params, grads], ([w, g]) => sub(w, mul(g, 0.5)))];
      };
    };
    const [onDevice, onReference] = [step(backend), step(reference)];
    let params = paramsOn(backend, p);
    let paramsRef = paramsOn(reference, p);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const [loss, next] = onDevice(params);
      [, paramsRef] = onReference(paramsRef);
      params = next;
      if (i % 10 === 0 || i === 29) losses.push(await item(loss)); // the only readback of a step
    }
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    for (const [path, error] of Object.entries(await treeErrors(params, paramsRef))) {
      expect(error, `${path} after 30 steps: relative error ${error.toExponential(2)}`).toBeLessThan(1e-4);
    }
    expect(treeMap(params, (t) => t).lin_1.weight.backend).toBe(backend);
  });

  it('device memory stays bounded over training steps (what a step no longer needs is released)', async () => {
    if (!GPU_API_MODES.includes(backend.mode)) return;
    const p = problem(4, 16, 9, 8, 3);
    const f = valueAndGrad(lossFn(p.targets));
    let params = paramsOn(backend, p);
    const liveAfter = async (steps: number): Promise<number> => {
      for (let i = 0; i < steps; i++) {
        const [loss, grads] = f(params, tensor(backend, p.x, [p.batch, p.inputs]));
        params = treeZip([params, grads], ([w, g]) => sub(w, mul(g, 0.1)));
        await item(loss);
      }
      await collectGarbage();
      return backend.stats().live;
    };
    const after10 = await liveAfter(10);
    const after40 = await liveAfter(30);
    expect(after40).toBeLessThanOrEqual(after10 + 10); // a leak would add dozens of buffers per step
  });
});
