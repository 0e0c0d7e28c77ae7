/**
 * The lecture's model with its loss, certified as users train it: `sequential` of two dense
 * layers with Kaiming init and a (fused) relu, cross-entropy from logits with PyTorch's mean,
 * differentiated by valueAndGrad over the `{ lin_1, lin_2 }` parameter tree at 784 → 256 → 10.
 */
import { describe, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { linear, referenceBackend, toArray, type Tensor } from '../../src/core/index.js';
import { dense, relu, sequential } from '../../src/layers/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import { assertGradTree, batchArb, keyArb, layerParamsArb, type LabelledBatch } from '../../src/testing/index.js';
import { params, propertyTimeout, timeoutFor } from './support/config.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();
const model = (inputs: number, hidden: number, classes: number) =>
  sequential({ lin_1: dense(inputs, hidden, { init: 'kaimingNormal' }), act: relu, lin_2: dense(hidden, classes, { init: 'kaimingNormal' }) });
type Params = { readonly lin_1: { readonly weight: Tensor; readonly bias: Tensor }; readonly lin_2: { readonly weight: Tensor; readonly bias: Tensor } };

/** Draws whose hidden pre-activations sit within 1e-4 of relu's kink are discarded. */
const awayFromKink = async (p: Params, x: Tensor): Promise<void> => {
  fc.pre((await toArray(linear(x, p.lin_1.weight, p.lin_1.bias))).every((v) => Math.abs(v) >= 1e-4));
};

describe('the lecture model and its loss', () => {
  for (const [inputs, hidden, classes, elementsPerLeaf, scale, msPerRun] of [
    [20, 12, 5, 'all', 0.5, 400],
    [784, 256, 10, 4, 0.125, 500],
  ] as const) {
    const mlp = model(inputs, hidden, classes);
    const loss = (p: Params, batch: LabelledBatch) => crossEntropy(mlp.apply(p as never, batch.x as never), batch.labels);
    test.prop(
      [layerParamsArb(mlp, reference), batchArb(reference, { features: inputs, classes, minBatch: 1, maxBatch: 4, values: { min: 0, max: 1, kinks: [] } }), keyArb()],
      params(scale),
    )(
      `${inputs} → ${hidden} → ${classes}: checkGradTree over { lin_1, lin_2 } (${elementsPerLeaf === 'all' ? 'every entry' : `${elementsPerLeaf} sampled entries per leaf`})`,
      async (p, batch, k) => {
        await awayFromKink(p as Params, batch.x);
        await assertGradTree(loss, { key: k, elementsPerLeaf })(p as Params, batch);
      },
      timeoutFor(msPerRun, scale),
    );
  }
});
