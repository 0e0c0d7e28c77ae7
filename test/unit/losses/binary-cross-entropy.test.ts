import { describe, expect, it } from 'vitest';
import { BackendError, InvalidArgumentError, ShapeError, cpuBackend, tensor, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { binaryCrossEntropyWithLogits as bce } from '../../../src/losses/index.js';
import { cpu, reference, scalarValue, values } from './support.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** The textbook Bernoulli NLL, accurate in float64 for moderate |x|. */
const naive = (x: number, z: number, pw = 1): number => -(pw * z * Math.log(sigmoid(x)) + (1 - z) * Math.log(1 - sigmoid(x)));

const X = [0.5, -1, 2, 0, -3, 1.25];
const Zt = [1, 0, 0.3, 1, 0.5, 0];
const logits = (backend = reference): Tensor => tensor(backend, X, [2, 3]);
const targets = (backend = reference): Tensor => tensor(backend, Zt, [2, 3]);

describe('binaryCrossEntropyWithLogits: values', () => {
  it('matches -[z log s(x) + (1 - z) log(1 - s(x))], soft targets included, every reduction', async () => {
    const expected = X.map((x, i) => naive(x, Zt[i]));
    const none = await values(bce(logits(), targets(), { reduction: 'none' }));
    expected.forEach((v, i) => expect(none[i]).toBeCloseTo(v, 14));
    const total = expected.reduce((a, b) => a + b, 0);
    expect(await scalarValue(bce(logits(), targets(), { reduction: 'sum' }))).toBeCloseTo(total, 14);
    expect(await scalarValue(bce(logits(), targets()))).toBeCloseTo(total / 6, 14);
    expect(await scalarValue(bce(logits(cpu), targets(cpu)))).toBeCloseTo(total / 6, 6);
  });

  it('x = 0, z = 0: log 2', async () => {
    expect(await scalarValue(bce(tensor(reference, [0], [1]), tensor(reference, [0], [1])))).toBeCloseTo(Math.LN2, 15);
  });

  it('posWeight [C] scales the positive term: -[pw z log s(x) + (1 - z) log(1 - s(x))]', async () => {
    const posWeight = [3, 0.5, 2];
    const expected = X.map((x, i) => naive(x, Zt[i], posWeight[i % 3]));
    const none = await values(bce(logits(), targets(), { posWeight, reduction: 'none' }));
    expected.forEach((v, i) => expect(none[i]).toBeCloseTo(v, 14));
    // As a tensor, and as a number (broadcast to every element).
    const asTensor = await values(bce(logits(), targets(), { posWeight: tensor(reference, posWeight, [3]), reduction: 'none' }));
    expect(asTensor).toEqual(none);
    const scalarPw = await values(bce(logits(), targets(), { posWeight: 3, reduction: 'none' }));
    X.forEach((x, i) => expect(scalarPw[i]).toBeCloseTo(naive(x, Zt[i], 3), 14));
  });

  it('posWeight 1 is the plain loss', async () => {
    expect(await values(bce(logits(), targets(), { posWeight: [1, 1, 1], reduction: 'none' }))).toEqual(
      (await values(bce(logits(), targets(), { reduction: 'none' }))).map((v) => expect.closeTo(v, 15) as unknown as number),
    );
  });

  it('weight rescales each element; mean still divides by the element count', async () => {
    const weight = tensor(reference, [2, 0.5], [2, 1]);
    const plain = await values(bce(logits(), targets(), { reduction: 'none' }));
    const weighted = plain.map((v, i) => v * (i < 3 ? 2 : 0.5));
    expect(await values(bce(logits(), targets(), { weight, reduction: 'none' }))).toEqual(weighted.map((v) => expect.closeTo(v, 15) as unknown as number));
    expect(await scalarValue(bce(logits(), targets(), { weight }))).toBeCloseTo(weighted.reduce((a, b) => a + b, 0) / 6, 14);
    expect(await scalarValue(bce(logits(), targets(), { weight: [1, 2, 3], posWeight: [2, 2, 2], reduction: 'sum' }))).toBeCloseTo(
      X.reduce((acc, x, i) => acc + [1, 2, 3][i % 3] * naive(x, Zt[i], 2), 0),
      13,
    );
  });

  it('keeps full relative precision when the loss is tiny (both regroupings)', async () => {
    const tiny = Math.log1p(Math.exp(-20));
    for (const backend of [reference, cpu]) {
      const x = tensor(backend, [20, -20], [2]);
      const z = tensor(backend, [1, 0], [2]);
      const plain = await values(bce(x, z, { reduction: 'none' }));
      const weighted = await values(bce(x, z, { posWeight: 3, reduction: 'none' }));
      for (const v of plain) expect(Math.abs(v - tiny) / tiny).toBeLessThan(1e-6);
      expect(Math.abs(weighted[0] - 3 * tiny) / tiny).toBeLessThan(1e-5);
      expect(Math.abs(weighted[1] - tiny) / tiny).toBeLessThan(1e-6);
    }
  });
});

describe('binaryCrossEntropyWithLogits: gradients', () => {
  it('d/dx = sigmoid(x) - z everywhere, including exactly at x = 0 (consistent kinks)', async () => {
    const [, g] = valueAndGrad((x: Tensor) => bce(x, targets(), { reduction: 'sum' }))(logits());
    (await values(g)).forEach((v, i) => expect(v).toBeCloseTo(sigmoid(X[i]) - Zt[i], 14));
  });

  it('with posWeight: d/dx = c sigmoid(x) - pw z, c = 1 + (pw - 1) z, at x = 0 too', async () => {
    const pw = 3;
    const [, g] = valueAndGrad((x: Tensor) => bce(x, targets(), { posWeight: pw, reduction: 'sum' }))(logits());
    (await values(g)).forEach((v, i) => expect(v).toBeCloseTo((1 + (pw - 1) * Zt[i]) * sigmoid(X[i]) - pw * Zt[i], 14));
  });

  it('d/dz = -x (targets are differentiable, as in PyTorch)', async () => {
    const [, g] = valueAndGrad((z: Tensor) => bce(logits(), z, { reduction: 'sum' }))(targets());
    (await values(g)).forEach((v, i) => expect(v).toBeCloseTo(-X[i], 14));
  });
});

describe('binaryCrossEntropyWithLogits: stability at +-1e4', () => {
  for (const backend of [reference, cpu]) {
    it(`finite loss and gradient sigmoid(x) - z (${backend.name})`, async () => {
      const x = tensor(backend, [1e4, 1e4, 1e4, -1e4, -1e4, -1e4], [6]);
      const zs = [1, 0, 0.5, 1, 0, 0.5];
      const z = tensor(backend, zs, [6]);
      for (const posWeight of [undefined, 4]) {
        const options = posWeight === undefined ? { reduction: 'none' as const } : { reduction: 'none' as const, posWeight };
        const pw = posWeight ?? 1;
        const loss = await values(bce(x, z, options));
        // Loss: (1 - z) x for x -> +inf; pw z |x| for x -> -inf.
        expect(loss).toEqual([0, 1e4, 5e3, pw * 1e4, 0, pw * 5e3]);
        const [, g] = valueAndGrad((t: Tensor) => bce(t, z, { ...options, reduction: 'sum' }))(x);
        const expected = zs.map((zv, i) => (1 + (pw - 1) * zv) * (i < 3 ? 1 : 0) - pw * zv); // c sigmoid(x) - pw z
        expect(await values(g)).toEqual(expected.map((v) => expect.closeTo(v, 12) as unknown as number));
      }
    });
  }
});

describe('binaryCrossEntropyWithLogits: invalid input', () => {
  it('names the API and both shapes', () => {
    expect(() => bce(logits(), tensor(reference, [1, 0, 1], [3]))).toThrow(ShapeError);
    expect(() => bce(logits(), tensor(reference, [1, 0, 1], [3]))).toThrow(/^binaryCrossEntropyWithLogits: expected logits and targets of the same shape, got logits \[2, 3\] and targets \[3\]/);
  });
  it('posWeight and weight must broadcast to the logits', () => {
    expect(() => bce(logits(), targets(), { posWeight: [1, 2] })).toThrow(/^binaryCrossEntropyWithLogits: expected posWeight to broadcast to the logits' shape \[2, 3\], got posWeight of shape \[2\]/);
    expect(() => bce(logits(), targets(), { weight: tensor(reference, [1, 2, 3, 4, 5, 6], [6, 1]) })).toThrow(/expected weight to broadcast/);
    expect(() => bce(logits(), targets(), { posWeight: [1, Number.NaN, 1] })).toThrow(InvalidArgumentError);
  });
  it('reduction and backends', () => {
    expect(() => bce(logits(), targets(), { reduction: 'Mean' as never })).toThrow(/^binaryCrossEntropyWithLogits: expected reduction/);
    expect(() => bce(logits(cpu), targets(cpuBackend()))).toThrow(BackendError);
    expect(() => bce(logits(cpu), targets(cpu), { weight: tensor(reference, [1], [1]) })).toThrow(/^binaryCrossEntropyWithLogits: all inputs must live on one backend/);
  });
});
