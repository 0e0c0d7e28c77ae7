/** Metric folds against hand counts, and evaluate over sequential batches. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuBackend, key, linear, mean, mul, normalValues, referenceBackend, softmaxCrossEntropy, sub, tensor, type Tensor } from '../../../src/core/index.js';
import { accuracy, argmaxRows, dataset, evaluate, foldMetric, meanLoss } from '../../../src/train/index.js';

const handArgmax = (row: readonly number[]): number => row.indexOf(Math.max(...row));

describe('accuracy', () => {
  it('folds to the hand count over any split into batches', () => {
    const arbBatch = fc.integer({ min: 2, max: 5 }).chain((classes) =>
      fc.array(fc.tuple(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: classes, maxLength: classes }), fc.nat(classes - 1)), { minLength: 1, maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(arbBatch, { maxLength: 6 }), (batches) => {
        const inputs = batches.map((rows) => ({ logits: rows.flatMap(([logits]) => logits), labels: rows.map(([, label]) => label) }));
        const rows = batches.flat();
        const correct = rows.filter(([logits, label]) => handArgmax(logits) === label).length;
        const result = foldMetric(accuracy, inputs);
        if (rows.length === 0) expect(result).toBeNaN();
        else expect(result).toBe(correct / rows.length);
      }),
    );
  });

  it('takes the first maximum on ties and treats NaN as the largest (torch.argmax)', () => {
    expect(Array.from(argmaxRows([1, 3, 3, 0, NaN, 5, 2, 2, 2], 3, 3))).toEqual([1, 1, 0]);
  });

  it('reads [B] logits as binary (class 1 when the logit is > 0)', () => {
    const acc = accuracy.step(accuracy.init, { logits: [2, -1, 0, 0.5], labels: [1, 0, 1, 0] });
    expect(acc).toEqual({ correct: 2, total: 4 });
  });

  it('refuses logits that do not fit the labels', () => {
    expect(() => accuracy.step(accuracy.init, { logits: [1, 2, 3], labels: [0, 1] })).toThrow(/accuracy: expected logits \[B, C\] with B = 2 labels, got 3 values/);
  });

  it('is a pure fold: steps return new accumulators', () => {
    const init = accuracy.init;
    const next = accuracy.step(init, { logits: [0, 1], labels: [1] });
    expect(init).toEqual({ correct: 0, total: 0 });
    expect(next).toEqual({ correct: 1, total: 1 });
  });
});

describe('meanLoss', () => {
  it('weights batch means by their sizes', () => {
    expect(foldMetric(meanLoss, [{ loss: 1, count: 3 }, { loss: 5, count: 1 }])).toBe(2);
    expect(meanLoss.result(meanLoss.init)).toBeNaN();
    expect(() => meanLoss.step(meanLoss.init, { loss: 1, count: -2 })).toThrow(/meanLoss: expected a non-negative integer count, got -2/);
  });
});

describe('evaluate', () => {
  // 23 examples, 4 features, 3 classes; a fixed linear classifier.
  const n = 23;
  const features = Float32Array.from(normalValues(key(5), n * 4));
  const weights = Float32Array.from(normalValues(key(6), 3 * 4));
  const labels = Int32Array.from(normalValues(key(7), n), (v, i) => (i % 3 === 0 ? 0 : Math.abs(Math.floor(v * 3)) % 3));
  const data = dataset({ features, featureShape: [4], labels });
  const handLogits = Array.from({ length: n }, (_, i) =>
    [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((s, k) => s + features[i * 4 + k] * weights[c * 4 + k], 0)),
  );

  it.each([
    ['reference', referenceBackend],
    ['cpu', cpuBackend],
  ])('counts accuracy and the sample-weighted mean loss over uneven batches on %s', async (_, makeBackend) => {
    const backend = makeBackend();
    const w = tensor(backend, weights, [3, 4]);
    const predict = (x: Tensor) => linear(x, w);
    const crossEntropy = (logits: Tensor, batch: { readonly y: Int32Array }) =>
      mean(softmaxCrossEntropy(logits, { labels: batch.y, classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 }));
    const result = await evaluate(predict, data, 5, backend, { loss: crossEntropy });
    const correct = handLogits.filter((row, i) => handArgmax(row) === labels[i]).length;
    expect(correct).toBeGreaterThan(0);
    expect(correct).toBeLessThan(n);
    expect(result.samples).toBe(n);
    expect(result.accuracy).toBe(correct / n);
    const handLoss =
      handLogits.reduce((total, row, i) => {
        const m = Math.max(...row);
        return total + m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0)) - row[labels[i]];
      }, 0) / n;
    expect(result.loss).toBeCloseTo(handLoss, 5);
  });

  it('evaluates regression targets without accuracy, with per-example losses', async () => {
    const backend = referenceBackend();
    const targets = dataset({ features: Float32Array.from([1, 2, 3]), featureShape: [1], labels: Float64Array.from([2, 4, 7]), labelShape: [1] });
    const result = await evaluate((x) => mul(x, 2), targets, 2, backend, {
      loss: (prediction, batch) => {
        const residual = sub(prediction, tensor(backend, batch.y, batch.yShape));
        return mul(residual, residual); // [B, 1] per-example squared errors
      },
    });
    expect(result).toEqual({ samples: 3, loss: 1 / 3 });
  });

  it('refuses a loss that is neither a scalar nor per-example', async () => {
    const backend = referenceBackend();
    await expect(evaluate((x) => x, data, 5, backend, { loss: () => tensor(backend, [1, 2], [2]) })).rejects.toThrow(
      /evaluate: expected the loss to be a scalar or \[5\] per-example values, got 2 values/,
    );
  });
});
