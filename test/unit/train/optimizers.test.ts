/**
 * sgd / adam / adamw against a direct transcription of PyTorch's update loops (torch-reference.ts)
 * over several steps, with gradients that feed back on the params (g = 0.5·p + noise_t), on the
 * float64 reference backend (to 1e-12) and the float32 cpu backend (to 1e-6).
 */
import { describe, expect, it } from 'vitest';
import { add, cpuBackend, InvalidArgumentError, mul, referenceBackend, tensor, treeMap, type Backend } from '../../../src/core/index.js';
import { adam, adamw, applyUpdates, cosineDecay, sgd, type GradientTransformation } from '../../../src/train/index.js';
import { initialValues, LEAVES, makeParams, maxRelativeError, noise, snapshot, type Params } from './helpers.js';
import { torchAdamInit, torchAdamStep, torchSgdStep, type TorchAdamConfig, type TorchSgdConfig, type TorchSgdState } from './torch-reference.js';

const STEPS = 7;

const gradient = (p: ArrayLike<number>, t: number, i: number): Float64Array => {
  const n = noise(t, i, p.length);
  return n.map((v, j) => 0.5 * p[j] + v);
};

const runPurenet = async (backend: Backend, optimizer: GradientTransformation<unknown>): Promise<Float64Array[]> => {
  let params: Params = makeParams(backend);
  let state = optimizer.init(params);
  for (let t = 0; t < STEPS; t++) {
    let i = 0;
    const grads = treeMap(params, (p) => add(mul(p, 0.5), tensor(backend, noise(t, i++, p.size), p.shape)));
    const [updates, next] = optimizer.update(grads, state, params);
    params = applyUpdates(params, updates);
    state = next;
  }
  return snapshot(params);
};

const runTorch = (step: (params: Float64Array[], grads: Float64Array[]) => void): Float64Array[] => {
  const params = initialValues();
  for (let t = 0; t < STEPS; t++) step(params, params.map((p, i) => gradient(p, t, i)));
  return params;
};

const torchAdam = (config: TorchAdamConfig) => () => {
  const state = torchAdamInit(initialValues());
  return runTorch((p, g) => torchAdamStep(p, g, state, config));
};

const torchSgd = (config: TorchSgdConfig) => () => {
  const buffers: TorchSgdState = LEAVES.map(() => undefined);
  return runTorch((p, g) => torchSgdStep(p, g, buffers, config));
};

const adamDefaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };
const sgdDefaults = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };

const CASES: ReadonlyArray<readonly [string, () => GradientTransformation<unknown>, () => Float64Array[]]> = [
  ['adam (defaults, lr 0.1)', () => adam({ lr: 0.1 }), torchAdam({ ...adamDefaults, lr: 0.1 })],
  [
    'adam (betas, large eps, coupled weight decay)',
    () => adam({ lr: 0.05, betas: [0.8, 0.95], eps: 1e-2, weightDecay: 0.1 }),
    torchAdam({ lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-2, weightDecay: 0.1, decoupled: false }),
  ],
  ['adamw (defaults, lr 0.1)', () => adamw({ lr: 0.1 }), torchAdam({ ...adamDefaults, lr: 0.1, weightDecay: 1e-2, decoupled: true })],
  [
    'adamw (cosine schedule, weight decay 0.3)',
    () => adamw({ lr: cosineDecay({ init: 0.1, decaySteps: 5 }), weightDecay: 0.3, eps: 1e-3 }),
    torchAdam({ ...adamDefaults, lr: (step) => 0.05 * (1 + Math.cos((Math.PI * Math.min(step, 5)) / 5)), eps: 1e-3, weightDecay: 0.3, decoupled: true }),
  ],
  ['sgd (plain)', () => sgd({ lr: 0.1 }), torchSgd({ ...sgdDefaults, lr: 0.1 })],
  ['sgd (momentum)', () => sgd({ lr: 0.1, momentum: 0.9 }), torchSgd({ ...sgdDefaults, lr: 0.1, momentum: 0.9 })],
  [
    'sgd (momentum, dampening, weight decay)',
    () => sgd({ lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }),
    torchSgd({ lr: 0.05, momentum: 0.9, dampening: 0.3, nesterov: false, weightDecay: 0.01 }),
  ],
  [
    'sgd (nesterov, weight decay)',
    () => sgd({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }),
    torchSgd({ lr: 0.05, momentum: 0.8, dampening: 0, nesterov: true, weightDecay: 0.1 }),
  ],
];

const BACKENDS: ReadonlyArray<readonly [string, () => Backend, number]> = [
  ['reference', referenceBackend, 1e-12],
  ['cpu', cpuBackend, 1e-6],
];

describe.each(BACKENDS)('optimizers vs PyTorch on %s', (_, makeBackend, tolerance) => {
  it.each(CASES)('%s', async (_name, optimizer, reference) => {
    const expected = reference();
    const actual = await runPurenet(makeBackend(), optimizer());
    expect(maxRelativeError(actual, expected)).toBeLessThan(tolerance);
    // The run must actually move the params, or the comparison proves nothing.
    expect(maxRelativeError(initialValues(), expected)).toBeGreaterThan(1e-2);
  });
});

describe('optimizer hyper-parameters', () => {
  it.each([
    ['adam lr < 0', () => adam({ lr: -1 }), /adam: expected lr ≥ 0 \(finite\), got -1/],
    ['adam beta1 = 1', () => adam({ betas: [1, 0.999] }), /adam: expected betas\[0\] in \[0, 1\), got 1/],
    ['adam beta2 NaN', () => adam({ betas: [0.9, NaN] }), /adam: expected betas\[1\] in \[0, 1\), got NaN/],
    ['adamw eps < 0', () => adamw({ eps: -1e-8 }), /adamw: expected eps ≥ 0 \(finite\), got -1e-8/],
    ['adamw weightDecay < 0', () => adamw({ weightDecay: -0.1 }), /adamw: expected weightDecay ≥ 0/],
    ['sgd lr Infinity', () => sgd({ lr: Infinity }), /sgd: expected lr ≥ 0 \(finite\), got Infinity/],
    ['sgd momentum < 0', () => sgd({ lr: 0.1, momentum: -0.5 }), /sgd: expected momentum ≥ 0/],
    ['sgd nesterov without momentum', () => sgd({ lr: 0.1, nesterov: true }), /sgd: Nesterov momentum requires momentum > 0 and dampening = 0/],
    ['sgd nesterov with dampening', () => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /dampening = 0, got momentum 0.9 and dampening 0.1/],
  ])('%s is refused', (_, make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('uses PyTorch defaults: adam lr 1e-3, eps 1e-8; adamw weight decay 1e-2', async () => {
    const backend = referenceBackend();
    const p = tensor(backend, [2], [1]);
    const g = tensor(backend, [0.5], [1]);
    const [adamUpdate] = adam().update(g, adam().init(p), p);
    // First Adam step: m̂ = g, v̂ = g², update = -lr · g / (|g| + eps).
    expect((await snapshot(adamUpdate))[0][0]).toBeCloseTo(-1e-3 * (0.5 / (0.5 + 1e-8)), 15);
    const [adamwUpdate] = adamw().update(g, adamw().init(p), p);
    expect((await snapshot(adamwUpdate))[0][0]).toBeCloseTo(-1e-3 * (0.5 / (0.5 + 1e-8) + 1e-2 * 2), 15);
  });
});
