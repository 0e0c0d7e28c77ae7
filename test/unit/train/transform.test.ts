/**
 * Laws of the gradient transformations: chain's identity and order, purity (same inputs give the
 * same outputs, inputs unchanged), clipping and weight decay against hand computations, and
 * boundary errors.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, referenceBackend, tensor, cpuBackend, type Tensor, type Tree } from '../../../src/core/index.js';
import {
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  constantSchedule,
  globalNorm,
  identity,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  sgd,
  traceMomentum,
  type GradientTransformation,
} from '../../../src/train/index.js';
import { float32Normals, makeParams, snapshot } from './helpers.js';

const backend = referenceBackend();
const params = makeParams(backend);
const gradsAt = (seed: number) => makeParams(backend, [float32Normals(seed, 2), float32Normals(seed + 1, 4), float32Normals(seed + 2, 12)]);

/** Runs `steps` updates with fixed per-step gradients; returns every step's updates, snapshotted. */
const run = async (t: GradientTransformation<unknown>, steps = 4): Promise<Float64Array[][]> => {
  let state = t.init(params);
  let p = params;
  const out: Float64Array[][] = [];
  for (let s = 0; s < steps; s++) {
    const [updates, next] = t.update(gradsAt(10 * s), state, p);
    out.push(await snapshot(updates));
    p = applyUpdates(p, updates);
    state = next;
  }
  return out;
};

const TRANSFORMS: ReadonlyArray<readonly [string, () => GradientTransformation<unknown>]> = [
  ['scaleByAdam', () => scaleByAdam()],
  ['traceMomentum (nesterov)', () => traceMomentum({ momentum: 0.9, nesterov: true })],
  ['traceMomentum (dampening)', () => traceMomentum({ momentum: 0.9, dampening: 0.5 })],
  ['addDecayedWeights', () => addDecayedWeights(0.1)],
  ['clipByGlobalNorm', () => clipByGlobalNorm(0.5)],
  ['scale', () => scale(-3)],
  ['scaleByLearningRate (schedule)', () => scaleByLearningRate((step) => 0.1 / (1 + step))],
  ['adam', () => adam({ lr: 0.01, weightDecay: 0.1 })],
  ['adamw', () => adamw({ lr: 0.01 })],
  ['sgd', () => sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 })],
];

describe('chain', () => {
  it.each(TRANSFORMS)('chain(identity(), %s) and chain(%s, identity()) behave as the transformation itself', async (_, make) => {
    const expected = await run(make());
    expect(await run(chain(identity(), make()))).toEqual(expected);
    expect(await run(chain(make(), identity()))).toEqual(expected);
  });

  it('keeps one state per child, in order', () => {
    const state = chain(identity(), scaleByAdam(), scaleByLearningRate(0.1)).init(params);
    expect(state).toHaveLength(3);
    expect(state[1].count).toBe(0);
    expect(state[2]).toEqual({ count: 0 });
  });

  it('applies children left to right: clip then scale differs from scale then clip', async () => {
    const norm = async (tree: Tree) => Math.sqrt((await snapshot(tree)).flatMap((a) => Array.from(a)).reduce((s, v) => s + v * v, 0));
    const grads = gradsAt(0);
    const raw = await norm(grads);
    expect(raw).toBeGreaterThan(1);
    const clipThenScale = chain(clipByGlobalNorm(1), scale(10));
    const scaleThenClip = chain(scale(10), clipByGlobalNorm(1));
    const [a] = clipThenScale.update(grads, clipThenScale.init(params));
    const [b] = scaleThenClip.update(grads, scaleThenClip.init(params));
    expect(await norm(a)).toBeCloseTo((10 * raw) / (raw + 1e-6), 9);
    expect(await norm(b)).toBeCloseTo((10 * raw) / (10 * raw + 1e-6), 9);
  });

  it('equals the hand-made composition of its children', async () => {
    // adam = chain(addDecayedWeights, scaleByAdam, scaleByLearningRate): one step by hand.
    const manualAdam = chain(addDecayedWeights(0.1), scaleByAdam({ b1: 0.9, b2: 0.999, eps: 1e-8 }), scaleByLearningRate(0.01));
    expect(await run(adam({ lr: 0.01, weightDecay: 0.1 }))).toEqual(await run(manualAdam));
  });
});

describe('purity', () => {
  it.each(TRANSFORMS)('%s: same inputs give the same outputs, and no input changes', async (_, make) => {
    const t = make();
    let state = t.init(params);
    // Advance one step so that the state holds non-trivial moments.
    [, state] = t.update(gradsAt(0), state, params);
    const grads = gradsAt(20);
    const before = await Promise.all([snapshot(grads), snapshot(params), snapshot(stateTree(state))]);
    const first = t.update(grads, state, params);
    const second = t.update(grads, state, params);
    expect(await snapshot(first[0])).toEqual(await snapshot(second[0]));
    expect(await snapshot(stateTree(first[1]))).toEqual(await snapshot(stateTree(second[1])));
    expect(await Promise.all([snapshot(grads), snapshot(params), snapshot(stateTree(state))])).toEqual(before);
  });
});

/** The tensors of an optimizer state as a tree (counts dropped). */
const stateTree = (state: unknown): Tree => {
  const tensors: Tensor[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if ('buffer' in value && 'shape' in value) tensors.push(value as Tensor);
    else for (const child of Object.values(value)) visit(child);
  };
  visit(state);
  return tensors;
};

describe('clipByGlobalNorm', () => {
  it('scales by maxNorm / (‖g‖ + 1e-6) above the threshold and leaves g exactly unchanged below (torch.nn.utils.clip_grad_norm_)', async () => {
    const g = { a: tensor(backend, [3, 0], [2]), b: tensor(backend, [4], [1]) }; // ‖g‖ = 5
    const [clipped] = clipByGlobalNorm(1).update(g, {});
    const coefficient = 1 / (5 + 1e-6);
    expect(await snapshot(clipped)).toEqual([Float64Array.from([3 * coefficient, 0]), Float64Array.from([4 * coefficient])]);
    const [kept] = clipByGlobalNorm(5.1).update(g, {});
    expect(await snapshot(kept)).toEqual([Float64Array.from([3, 0]), Float64Array.from([4])]);
  });

  it('globalNorm is the norm over all leaves together', async () => {
    const norm = globalNorm({ a: tensor(backend, [3, 0], [2]), b: [tensor(backend, [4], [1])] });
    expect(norm?.shape).toEqual([]);
    expect((await snapshot(norm as Tensor))[0][0]).toBe(5);
    expect(globalNorm([])).toBeUndefined();
  });

  it('propagates a non-finite norm', async () => {
    const [clipped] = clipByGlobalNorm(1).update([tensor(backend, [NaN, 1], [2])], {});
    expect(Array.from((await snapshot(clipped))[0]).every(Number.isNaN)).toBe(true);
  });

  it('refuses maxNorm ≤ 0', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(/clipByGlobalNorm: expected maxNorm > 0 \(finite\), got 0/);
  });
});

describe('addDecayedWeights', () => {
  it('adds λp only on the leaves the mask selects', async () => {
    const decay = addDecayedWeights(0.5, { mask: (path) => !path.endsWith('bias') });
    const grads = gradsAt(0);
    const [updates] = decay.update(grads, {}, params);
    const [g, p, u] = await Promise.all([snapshot(grads), snapshot(params), snapshot(updates)]);
    expect(u[0]).toEqual(g[0].map((v, j) => v + 0.5 * p[0][j])); // extra.0
    expect(u[1]).toEqual(g[1]); // layer.bias
    expect(u[2]).toEqual(g[2].map((v, j) => v + 0.5 * p[2][j])); // layer.weight
  });

  it('needs the params', () => {
    expect(() => addDecayedWeights(0.1).update(gradsAt(0), {})).toThrow(/addDecayedWeights: expected the current params as the third argument/);
  });
});

describe('structure checks', () => {
  it('names a state that does not match the gradients', () => {
    const t = scaleByAdam();
    const state = t.init({ w: tensor(backend, [1, 2], [2]) });
    expect(() => t.update({ v: tensor(backend, [1, 2], [2]) }, state)).toThrow(
      /scaleByAdam: expected the Adam moments to have the structure of the gradients \[v\], got \[w\]/,
    );
    expect(() => t.update({ w: tensor(backend, [1, 2, 3], [3]) }, state)).toThrow(/expected the Adam moments 'w' of shape \[3\] \(the gradient's\), got \[2\]/);
  });

  it('refuses tensors from another backend', () => {
    const t = scaleByAdam();
    const state = t.init(params);
    expect(() => t.update(makeParams(cpuBackend()), state)).toThrow(/one backend/);
  });
});

describe('scaleByLearningRate', () => {
  it('asks the schedule for the count of updates done before this one', async () => {
    const seen: number[] = [];
    const t = scaleByLearningRate((step) => {
      seen.push(step);
      return 0.5;
    });
    let state = t.init(params);
    for (let i = 0; i < 3; i++) [, state] = t.update(gradsAt(0), state);
    expect(seen).toEqual([0, 1, 2]);
    expect(state).toEqual({ count: 3 });
    const [updates] = scaleByLearningRate(constantSchedule(0.5)).update({ x: tensor(backend, [2, -4], [2]) }, { count: 0 });
    expect(await snapshot(updates)).toEqual([Float64Array.from([-1, 2])]);
  });

  it('names the step where a schedule gives a bad rate', () => {
    const t = scaleByLearningRate((step) => (step < 2 ? 0.1 : NaN));
    expect(() => t.update(gradsAt(0), { count: 2 })).toThrow(InvalidArgumentError);
    expect(() => t.update(gradsAt(0), { count: 2 })).toThrow(/scaleByLearningRate: expected the schedule to give a learning rate ≥ 0 \(finite\), got NaN at step 2/);
  });

  it('refuses a negative rate', () => {
    expect(() => scaleByLearningRate(-0.1)).toThrow(/scaleByLearningRate: expected lr ≥ 0 \(finite\), got -0.1/);
  });
});

describe('transformation hyper-parameters', () => {
  it.each([
    ['scaleByAdam b1', () => scaleByAdam({ b1: -0.1 }), /scaleByAdam: expected b1 in \[0, 1\), got -0.1/],
    ['scaleByAdam b2', () => scaleByAdam({ b2: 1 }), /scaleByAdam: expected b2 in \[0, 1\), got 1/],
    ['scaleByAdam eps', () => scaleByAdam({ eps: NaN }), /scaleByAdam: expected eps ≥ 0 \(finite\), got NaN/],
    ['traceMomentum', () => traceMomentum({ momentum: -1 }), /traceMomentum: expected momentum ≥ 0/],
    ['traceMomentum nesterov', () => traceMomentum({ momentum: 0.9, dampening: 0.1, nesterov: true }), /requires momentum > 0 and dampening = 0/],
    ['scale', () => scale(Infinity), /scale: expected a finite factor, got Infinity/],
    ['addDecayedWeights', () => addDecayedWeights(-1), /addDecayedWeights: expected weightDecay ≥ 0/],
  ])('%s is validated', (_, make, message) => {
    expect(make).toThrow(message);
  });
});
