import { describe, expect, it } from 'vitest';
import { cpuBackend, InvalidArgumentError, key, ones, sum, tensor, toArray, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { dropout } from '../../../src/layers/dropout.js';
import { evalContext, trainContext } from '../../../src/layers/layer.js';
import { reference } from './finite-differences.js';

const cpu = cpuBackend();

describe('dropout', () => {
  it('is the identity in evaluation (no key needed)', () => {
    const x = tensor(cpu, [1, 2, 3], [3]);
    const drop = dropout(0.5);
    expect(drop.apply({}, x)).toBe(x);
    expect(drop.apply({}, x, evalContext)).toBe(x);
    expect(drop.init(key(0), cpu)).toEqual({});
  });

  for (const backend of [reference, cpu]) {
    it(`zeroes a fraction p and scales survivors by 1/(1-p), keeping the mean (${backend.name})`, async () => {
      const p = 0.3;
      const n = 200 * 250;
      const y = Float64Array.from(await toArray(dropout(p).apply({}, ones(backend, [200, 250]), trainContext(key(11)))));
      const zeros = y.filter((v) => v === 0).length;
      const survivors = y.filter((v) => v !== 0);
      // Binomial: fraction zeroed has SE sqrt(p (1-p) / n) = 0.002; the mean has SE sqrt(p / (1-p) / n) = 0.003.
      expect(Math.abs(zeros / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      expect(survivors.every((v) => Math.abs(v - 1 / (1 - p)) < 1e-6)).toBe(true);
      const mean = y.reduce((s, v) => s + v, 0) / n;
      expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(p / (1 - p) / n));
    });
  }

  it('draws its mask from the key: same key, same mask; another key, another mask', async () => {
    const x = ones(cpu, [64]);
    const drop = dropout(0.5);
    const a = await toArray(drop.apply({}, x, trainContext(key(1))));
    expect(await toArray(drop.apply({}, x, trainContext(key(1))))).toEqual(a);
    expect(await toArray(drop.apply({}, x, trainContext(key(2))))).not.toEqual(a);
  });

  it('passes the gradient through the kept elements only, scaled', async () => {
    const x = tensor(reference, [1, 2, 3, 4, 5, 6, 7, 8], [8]);
    const context = trainContext(key(5));
    const drop = dropout(0.5);
    const y = Array.from(await toArray(drop.apply({}, x, context)));
    const [, g] = valueAndGrad((t: Tensor) => sum(drop.apply({}, t, context)))(x);
    expect(Array.from(await toArray(g))).toEqual(y.map((v) => (v === 0 ? 0 : 2)));
    expect(y.some((v) => v === 0) && y.some((v) => v !== 0)).toBe(true);
  });

  it('p = 0 is the identity even while training, with no key', () => {
    const x = tensor(cpu, [1, 2], [2]);
    expect(dropout(0).apply({}, x, { train: true })).toBe(x);
  });

  it('training without a key is an error that names the layer', () => {
    const x = tensor(cpu, [1, 2], [2]);
    expect(() => dropout(0.5).apply({}, x, { train: true })).toThrow(InvalidArgumentError);
    expect(() => dropout(0.5).apply({}, x, { train: true })).toThrow('dropout(p=0.5): expected context.key in training mode, got none');
    expect(() => dropout(0.5, { name: 'drop_1' }).apply({}, x, { train: true })).toThrow('dropout(drop_1): expected context.key');
    expect(() => dropout(0.5).apply({}, x, { train: true, path: 'block.drop' })).toThrow('dropout(block.drop): expected context.key');
  });

  it('validates p in [0, 1)', () => {
    for (const p of [-0.1, 1, 1.5, Number.NaN]) expect(() => dropout(p)).toThrow(`dropout: expected p in [0, 1), got ${p}`);
  });
});
