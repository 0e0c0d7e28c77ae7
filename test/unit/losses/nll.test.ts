import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, tensor, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { crossEntropy, nll } from '../../../src/losses/index.js';
import { cpu, logSoftmax, reference, scalarValue, values } from './support.js';

// NLL does not require normalised rows: it reads -logProbs[n, y_n] (times w[y_n]).
const P = [-0.5, -1, -2, -0.25, -3, -0.75, -1.5, -0.125, -4];
const logProbs = (backend = reference): Tensor => tensor(backend, P, [3, 3]);

describe('nll: values', () => {
  it('picks -logProbs[n, y_n]; mean over N, sum, none', async () => {
    expect(await values(nll(logProbs(), [1, 0, 2], { reduction: 'none' }))).toEqual([1, 0.25, 4]);
    expect(await scalarValue(nll(logProbs(), [1, 0, 2], { reduction: 'sum' }))).toBe(5.25);
    expect(await scalarValue(nll(logProbs(), [1, 0, 2]))).toBe(1.75);
    expect(await scalarValue(nll(logProbs(cpu), new Int32Array([1, 0, 2])))).toBe(1.75);
  });

  it('weights: none is w[y] (-logp), mean divides by sum of w[y]', async () => {
    const weight = [2, 3, 0.5];
    expect(await values(nll(logProbs(), [1, 0, 2], { weight, reduction: 'none' }))).toEqual([3, 0.5, 2]);
    expect(await scalarValue(nll(logProbs(), [1, 0, 2], { weight }))).toBeCloseTo(5.5 / 5.5, 15);
    expect(await scalarValue(nll(logProbs(), [1, 1, 2], { weight }))).toBeCloseTo((3 + 9 + 2) / 6.5, 15);
  });

  it('ignoreIndex: zero loss, not counted', async () => {
    expect(await values(nll(logProbs(), [1, -100, 2], { reduction: 'none' }))).toEqual([1, 0, 4]);
    expect(await scalarValue(nll(logProbs(), [1, -100, 2]))).toBe(2.5);
    expect(await scalarValue(nll(logProbs(), [1, 5, 2], { ignoreIndex: 5, weight: [1, 1, 3] }))).toBeCloseTo(13 / 4, 15);
  });

  it('every row ignored: mean NaN with zero gradient, as PyTorch', async () => {
    const [loss, g] = valueAndGrad((p: Tensor) => nll(p, [-100, -100, -100]))(logProbs());
    expect(Number.isNaN(await scalarValue(loss))).toBe(true);
    expect(await values(g)).toEqual(new Array(9).fill(0));
  });

  it('gradient is -w[y] / sum(w[y]) at (n, y_n), zero elsewhere', async () => {
    const [, g] = valueAndGrad((p: Tensor) => nll(p, [1, -100, 2], { weight: [2, 3, 0.5] }))(logProbs());
    expect(await values(g)).toEqual([0, -3 / 3.5, 0, 0, 0, 0, 0, 0, -0.5 / 3.5]);
  });

  it('nll(logSoftmax(z)) equals crossEntropy(z) (the PyTorch identity)', async () => {
    const z = tensor(reference, [1, 2, 3, 1, -1, 0.5], [2, 3]);
    expect(await scalarValue(nll(logSoftmax(z), [2, 0]))).toBeCloseTo(await scalarValue(crossEntropy(z, [2, 0])), 14);
    expect(await scalarValue(nll(logSoftmax(tensor(reference, [1, 2, 3], [1, 3])), [2]))).toBeCloseTo(0.4076059644443806, 14);
  });
});

describe('nll: infinite log-probabilities', () => {
  for (const backend of [reference, cpu]) {
    it(`a class masked with -Infinity in a non-target column is harmless (${backend.name})`, async () => {
      const p = tensor(backend, [-Infinity, -0.25, -1.5, -0.5, -Infinity, -1], [2, 3]);
      const [loss, g] = valueAndGrad((x: Tensor) => nll(x, [1, 0]))(p);
      expect(await scalarValue(loss)).toBe(0.375);
      expect(await values(g)).toEqual([0, -0.5, 0, -0.5, 0, 0]);
    });
  }

  it('a target log-probability of -Infinity gives a huge finite loss (documented difference)', async () => {
    const loss = await scalarValue(nll(tensor(cpu, [-Infinity, 0], [1, 2]), [0]));
    expect(loss).toBeGreaterThan(1e38);
    expect(await scalarValue(nll(tensor(reference, [-Infinity, 0], [1, 2]), [0]))).toBe(Number.MAX_VALUE);
  });
});

describe('nll: invalid input', () => {
  it('names nll, the expectation and what it got', () => {
    expect(() => nll(logProbs(), [1, 3, 0])).toThrow(InvalidArgumentError);
    expect(() => nll(logProbs(), [1, 3, 0])).toThrow(/^nll: .*got 3 at index 1/);
    expect(() => nll(logProbs(), [1, 0])).toThrow(ShapeError);
    expect(() => nll(logProbs(), [1, 0])).toThrow(/^nll: expected 3 labels/);
    expect(() => nll(tensor(reference, [0, 0], [1, 1, 2]), [0])).toThrow(/^nll: expected logProbs of shape \[N, C\], got \[1, 1, 2\]/);
    expect(() => nll(logProbs(), [1, 0, 2], { weight: [1, 1, 1, 1] })).toThrow(/^nll: expected weight of length C = 3/);
    expect(() => nll(logProbs(), [1, 0, 2], { reduction: 'mean ' as never })).toThrow(/^nll: expected reduction/);
  });
});
