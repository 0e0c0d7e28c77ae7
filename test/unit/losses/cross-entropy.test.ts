import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, referenceBackend, tensor, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { crossEntropy } from '../../../src/losses/index.js';
import { cpu, reference, scalarValue, values } from './support.js';

// Expected numbers: PyTorch's CrossEntropyLoss as written in aten/src/ATen/native/LossNLL.cpp
// (cross_entropy_loss_label_smoothing: (1 - eps) * nll + eps / C * smooth, both divided by the
// summed weight of the non-ignored targets under 'mean'), evaluated by hand in float64.
const Z = [1, 2, 3, 1, -1, 0.5, 0, 0, 0, 2, -3, 1];
const logits = (backend = reference): Tensor => tensor(backend, Z, [4, 3]);

describe('crossEntropy: values', () => {
  it('logits [[1, 2, 3]], label 2 = log(e + e^2 + e^3) - 3 = 0.40760596', async () => {
    const expected = Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3;
    expect(expected).toBeCloseTo(0.40760596444438, 13);
    expect(await scalarValue(crossEntropy(tensor(reference, [1, 2, 3], [1, 3]), [2]))).toBeCloseTo(expected, 14);
    expect(await scalarValue(crossEntropy(tensor(cpu, [1, 2, 3], [1, 3]), new Int32Array([2])))).toBeCloseTo(expected, 6);
  });

  it('label smoothing 0.1 on [[1, 2, 3]], label 2: 0.9 nll + 0.1 / 3 sum_c (lse - z_c) = 0.50760596', async () => {
    const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
    const expected = 0.9 * (lse - 3) + (0.1 / 3) * (3 * lse - 6);
    expect(expected).toBeCloseTo(0.5076059644443807, 14);
    expect(await scalarValue(crossEntropy(tensor(reference, [1, 2, 3], [1, 3]), [2], { labelSmoothing: 0.1 }))).toBeCloseTo(expected, 14);
  });

  it('weights [1, 2, 3]: none is w[y] nll, mean divides by sum of w[y] (3 + 1 + 2 + 2 = 8), not by N', async () => {
    const options = { weight: [1, 2, 3] } as const;
    const none = await values(crossEntropy(logits(), [2, 0, 1, 1], { ...options, reduction: 'none' }));
    [1.2228178933331417, 0.5549569196419908, 2.1972245773362196, 10.636350858494907].forEach((v, i) => expect(none[i]).toBeCloseTo(v, 12));
    expect(await scalarValue(crossEntropy(logits(), [2, 0, 1, 1], { ...options, reduction: 'sum' }))).toBeCloseTo(14.611350248806259, 12);
    expect(await scalarValue(crossEntropy(logits(), [2, 0, 1, 1], options))).toBeCloseTo(14.611350248806259 / 8, 12);
    expect(await scalarValue(crossEntropy(logits(), [2, 0, 1, 1], options))).toBeCloseTo(1.8264187811007824, 12);
  });

  it('ignoreIndex rows give 0 and are not counted by mean', async () => {
    const labels = [2, -100, 1, 0];
    const none = await values(crossEntropy(logits(), labels, { reduction: 'none' }));
    [0.4076059644443806, 0, 1.0986122886681098, 0.3181754292474541].forEach((v, i) => expect(none[i]).toBeCloseTo(v, 12));
    expect(await scalarValue(crossEntropy(logits(), labels, { reduction: 'sum' }))).toBeCloseTo(1.8243936823599445, 12);
    expect(await scalarValue(crossEntropy(logits(), labels))).toBeCloseTo(1.8243936823599445 / 3, 12);
    // A custom ignore index that is a valid class.
    expect(await scalarValue(crossEntropy(logits(), [2, 1, 1, 0], { ignoreIndex: 1 }))).toBeCloseTo((0.4076059644443806 + 0.3181754292474541) / 2, 12);
  });

  it('weights + labelSmoothing 0.2 + ignoreIndex, every reduction (PyTorch formula)', async () => {
    const options = { weight: [1, 2, 3], labelSmoothing: 0.2 } as const;
    const labels = [2, -100, 1, 0];
    const none = await values(crossEntropy(logits(), labels, { ...options, reduction: 'none' }));
    [1.4079633671109324, 0, 2.1972245773362196, 1.2484771817636116].forEach((v, i) => expect(none[i]).toBeCloseTo(v, 12));
    expect(await scalarValue(crossEntropy(logits(), labels, { ...options, reduction: 'sum' }))).toBeCloseTo(4.853665126210764, 12);
    // mean divides the smoothed sum by the summed target weights 3 + 2 + 1 = 6.
    expect(await scalarValue(crossEntropy(logits(), labels, options))).toBeCloseTo(0.808944187701794, 12);
  });

  it('labelSmoothing without weights, mean over N', async () => {
    expect(await scalarValue(crossEntropy(logits(), [2, 0, 1, 1], { labelSmoothing: 0.1 }))).toBeCloseTo(1.815670983833817, 12);
  });

  it('labelSmoothing 1 is the uniform target: mean over c of (lse - z_c), whatever the label', async () => {
    const a = await scalarValue(crossEntropy(tensor(reference, [1, 2, 3], [1, 3]), [0], { labelSmoothing: 1 }));
    const b = await scalarValue(crossEntropy(tensor(reference, [1, 2, 3], [1, 3]), [2], { labelSmoothing: 1 }));
    const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
    expect(a).toBeCloseTo(lse - 2, 14);
    expect(b).toBeCloseTo(a, 14);
  });

  it('every row ignored: mean is NaN with zero gradient (PyTorch 0/0), sum is 0', async () => {
    const [loss, grads] = valueAndGrad((z: Tensor) => crossEntropy(z, [-100, -100, -100, -100], { labelSmoothing: 0.1 }))(logits());
    expect(Number.isNaN(await scalarValue(loss))).toBe(true);
    expect(await values(grads)).toEqual(new Array(12).fill(0));
    expect(await scalarValue(crossEntropy(logits(), [-100, -100, -100, -100], { reduction: 'sum' }))).toBe(0);
  });

  it('an empty batch: mean NaN, sum 0, none []', async () => {
    const empty = tensor(reference, [], [0, 3]);
    expect(Number.isNaN(await scalarValue(crossEntropy(empty, [])))).toBe(true);
    expect(await scalarValue(crossEntropy(empty, [], { reduction: 'sum' }))).toBe(0);
    expect(crossEntropy(empty, [], { reduction: 'none' }).shape).toEqual([0]);
  });

  it('shapes: none is [N], mean and sum are []', () => {
    expect(crossEntropy(logits(), [0, 1, 2, 0], { reduction: 'none' }).shape).toEqual([4]);
    expect(crossEntropy(logits(), [0, 1, 2, 0]).shape).toEqual([]);
    expect(crossEntropy(logits(), [0, 1, 2, 0], { reduction: 'sum' }).shape).toEqual([]);
  });
});

describe('crossEntropy: gradient semantics', () => {
  it('mean gradient is (softmax - onehot) / N, batch of one included', async () => {
    const [, g1] = valueAndGrad((z: Tensor) => crossEntropy(z, [2]))(tensor(reference, [1, 2, 3], [1, 3]));
    const s = [Math.E, Math.E ** 2, Math.E ** 3].map((e) => e / (Math.E + Math.E ** 2 + Math.E ** 3));
    (await values(g1)).forEach((g, c) => expect(g).toBeCloseTo(s[c] - (c === 2 ? 1 : 0), 14));
  });

  it('ignored rows get exactly zero gradient', async () => {
    const [, g] = valueAndGrad((z: Tensor) => crossEntropy(z, [2, -100, 1, 0], { weight: [1, 2, 3], labelSmoothing: 0.2 }))(logits());
    expect((await values(g)).slice(3, 6)).toEqual([0, 0, 0]);
  });

  it('the loss keeps its own copy of the labels: reusing the buffer before backward changes nothing', async () => {
    const labels = new Int32Array([2, 0, 1, 1]);
    const expected = await values(valueAndGrad((z: Tensor) => crossEntropy(z, labels))(logits())[1]);
    const [, grads] = valueAndGrad((z: Tensor) => {
      const loss = crossEntropy(z, labels);
      labels.set([0, 0, 0, 0]); // the caller refills its buffer for the next batch
      return loss;
    })(logits());
    expect(await values(grads)).toEqual(expected);
  });
});

describe('crossEntropy: stability', () => {
  for (const backend of [reference, cpu]) {
    it(`logits of magnitude 1e4 give a finite loss and gradient (${backend.name})`, async () => {
      const z = tensor(backend, [1e4, -1e4, 0, -1e4, 1e4, 1e4], [2, 3]);
      const [loss, grads] = valueAndGrad((x: Tensor) => crossEntropy(x, [1, 0]))(z);
      // Row 0: lse = 1e4, loss 2e4. Row 1: lse = 1e4 + log 2, loss 2e4 + log 2.
      expect(await scalarValue(loss)).toBeCloseTo((4e4 + Math.log(2)) / 2, backend === cpu ? 1 : 9);
      const g = await values(grads);
      expect(g.every(Number.isFinite)).toBe(true);
      [0.5, -0.5, 0, -0.5, 0.25, 0.25].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
    });
  }

  it('smoothed, weighted loss at 1e4 on a batch of one stays finite on cpu', async () => {
    const z = tensor(cpu, [-1e4, 1e4, 3e3], [1, 3]);
    const [loss, grads] = valueAndGrad((x: Tensor) => crossEntropy(x, [0], { labelSmoothing: 0.1, weight: [2, 1, 1] }))(z);
    expect(Number.isFinite(await scalarValue(loss))).toBe(true);
    expect((await values(grads)).every(Number.isFinite)).toBe(true);
  });
});

describe('crossEntropy: invalid input', () => {
  const z = logits();
  it('labels out of range name crossEntropy', () => {
    expect(() => crossEntropy(z, [0, 1, 3, 0])).toThrow(InvalidArgumentError);
    expect(() => crossEntropy(z, [0, 1, 3, 0])).toThrow(/^crossEntropy: .*\[0, 3\).*got 3 at index 2/);
    expect(() => crossEntropy(z, new Int32Array([0, -1, 1, 0]))).toThrow(/^crossEntropy: .*got -1 at index 1/);
  });
  it('non-integer labels', () => {
    expect(() => crossEntropy(z, [0, 1.5, 1, 0])).toThrow(/^crossEntropy: expected integer class labels, got 1.5 at index 1/);
  });
  it('label count and logits rank', () => {
    expect(() => crossEntropy(z, [0, 1, 2])).toThrow(ShapeError);
    expect(() => crossEntropy(z, [0, 1, 2])).toThrow(/expected 4 labels for \[4, 3\].*got 3/);
    expect(() => crossEntropy(tensor(reference, [1, 2, 3], [3]), [0])).toThrow(/^crossEntropy: expected logits of shape \[N, C\], got \[3\]/);
  });
  it('labelSmoothing outside [0, 1]', () => {
    for (const eps of [-0.1, 1.5, Number.NaN]) {
      expect(() => crossEntropy(z, [0, 1, 2, 0], { labelSmoothing: eps })).toThrow(InvalidArgumentError);
      expect(() => crossEntropy(z, [0, 1, 2, 0], { labelSmoothing: eps })).toThrow(/labelSmoothing in \[0, 1\]/);
    }
  });
  it('weight length and values', () => {
    expect(() => crossEntropy(z, [0, 1, 2, 0], { weight: [1, 2] })).toThrow(/^crossEntropy: expected weight of length C = 3.*got 2/);
    expect(() => crossEntropy(z, [0, 1, 2, 0], { weight: [1, Number.NaN, 1] })).toThrow(/finite class weights/);
  });
  it('reduction and ignoreIndex', () => {
    expect(() => crossEntropy(z, [0, 1, 2, 0], { reduction: 'avg' as never })).toThrow(/^crossEntropy: expected reduction 'none', 'mean' or 'sum', got "avg"/);
    expect(() => crossEntropy(z, [0, 1, 2, 0], { ignoreIndex: 0.5 })).toThrow(/ignoreIndex to be an integer/);
  });
  it('the check sees the backend: same results on a fresh reference backend instance', async () => {
    const other = referenceBackend();
    expect(await scalarValue(crossEntropy(tensor(other, Z, [4, 3]), [0, 1, 2, 0]))).toBeCloseTo(await scalarValue(crossEntropy(z, [0, 1, 2, 0])), 15);
  });
});
