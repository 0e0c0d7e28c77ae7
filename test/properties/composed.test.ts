/**
 * Ops composed from primitives (mean, logSumExp, square) need no rule of their own; these
 * properties certify that composition gives their true derivative, including logSumExp's
 * gradient-stopped shift, which is only correct because the result does not depend on it.
 * customVjp rules are certified in kit.test.ts (correct rules pass every checker).
 */
import { describe, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { linear, logSumExp, mean, normal, referenceBackend, softmaxCrossEntropy, split, square, toArray, zeros, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { assertGrad, assertGradTree, assertVjp, axesArb, batchArb, keyArb, layerParamsArb, shapeArb, tensorArb } from '../../src/testing/index.js';
import { params, propertyTimeout, timeoutFor } from './support/config.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();
const withAxes = (maxDim: number) =>
  shapeArb({ minRank: 1, maxRank: 3, maxDim }).chain((shape) => fc.tuple(tensorArb(reference, shape, { kinks: [] }), axesArb(shape.length), fc.boolean()));
const withAxis = (maxDim: number, range: number) =>
  shapeArb({ minRank: 1, maxRank: 3, maxDim }).chain((shape) =>
    fc.tuple(tensorArb(reference, shape, { min: -range, max: range, kinks: [] }), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.boolean()),
  );

describe('composed ops are certified without rules of their own', () => {
  test.prop([withAxes(5), keyArb()], params())('mean(x, { axes, keepDims }): checkVjp', async ([x, axes, keepDims], k) => {
    await assertVjp((t: Tensor) => mean(t, { axes, keepDims }), [x], { key: k, names: ['x'] });
  });
  test.prop([withAxes(3)], params(0.5))('mean(x, { axes, keepDims }): checkGrad', async ([x, axes, keepDims]) => {
    await assertGrad((t: Tensor) => mean(t, { axes, keepDims }), [x], { names: ['x'] });
  });
  // Ties and large magnitudes are fine: the max only shifts, and the shift cancels.
  test.prop([withAxis(5, 50), keyArb()], params())('logSumExp(x, { axis, keepDims }) on [-50, 50]: checkVjp', async ([x, axis, keepDims], k) => {
    await assertVjp((t: Tensor) => logSumExp(t, { axis, keepDims }), [x], { key: k, names: ['x'] });
  });
  test.prop([withAxis(3, 3)], params(0.5))('logSumExp(x, { axis, keepDims }): checkGrad', async ([x, axis, keepDims]) => {
    await assertGrad((t: Tensor) => logSumExp(t, { axis, keepDims }), [x], { names: ['x'] });
  });
  test.prop([tensorArb(reference, shapeArb()), keyArb()], params())('square: checkVjp', async (x, k) => {
    await assertVjp(square, [x], { key: k, names: ['x'] });
  });
});

/** The lecture's model and loss from core primitives alone (model.test.ts certifies the `sequential` one). */
const mlp = (inputs: number, hidden: number, classes: number) => ({
  describe: `mlp(${inputs} → ${hidden} → ${classes})`,
  init: (k: Key, backend: Backend) => {
    const [k1, k2] = split(k, 2);
    return {
      lin_1: { weight: normal(backend, k1, [hidden, inputs], { std: Math.sqrt(2 / inputs) }), bias: zeros(backend, [hidden]) },
      lin_2: { weight: normal(backend, k2, [classes, hidden], { std: Math.sqrt(2 / hidden) }), bias: zeros(backend, [classes]) },
    };
  },
});
type MlpParams = ReturnType<ReturnType<typeof mlp>['init']>;
const logits = (p: MlpParams, x: Tensor) => linear(linear(x, p.lin_1.weight, p.lin_1.bias, { activation: 'relu' }), p.lin_2.weight, p.lin_2.bias);
const loss = (p: MlpParams, batch: { readonly x: Tensor; readonly labels: Int32Array }) =>
  mean(softmaxCrossEntropy(logits(p, batch.x), { labels: batch.labels, classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 }));

/**
 * Discards draws whose hidden pre-activations come within 1e-4 of relu's kink: a central
 * difference straddling it measures half a derivative. (The shrinker, which minimises inputs
 * towards equal values, finds such draws readily.)
 */
const awayFromKink = async (p: MlpParams, x: Tensor): Promise<void> => {
  const z = await toArray(linear(x, p.lin_1.weight, p.lin_1.bias));
  fc.pre(z.every((v) => Math.abs(v) >= 1e-4));
};

describe('the lecture model and its loss, composed from core primitives', () => {
  const small = mlp(12, 9, 4);
  test.prop([layerParamsArb(small, reference), batchArb(reference, { features: 12, classes: 4, maxBatch: 6 }), keyArb()], params(0.5))(
    'checkGradTree over { lin_1, lin_2 } at 12 → 9 → 4, every entry',
    async (p, batch, k) => {
      await awayFromKink(p, batch.x);
      await assertGradTree(loss, { key: k, elementsPerLeaf: 'all' })(p, batch);
    },
    timeoutFor(150, 0.5),
  );
});
