import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpuBackend, key, referenceBackend, toArray, type Tensor } from '../../../src/core/index.js';
import {
  calculateGain,
  computeFans,
  constant,
  kaimingNormal,
  kaimingUniform,
  torchLinearDefault,
  xavierNormal,
  xavierUniform,
  zeros,
  type Initializer,
} from '../../../src/layers/init.js';

const reference = referenceBackend();
const cpu = cpuBackend();

const moments = async (t: Tensor): Promise<{ mean: number; std: number; min: number; max: number; n: number }> => {
  const v = Float64Array.from(await toArray(t));
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (v.length - 1)), min: v.reduce((a, x) => Math.min(a, x), Infinity), max: v.reduce((a, x) => Math.max(a, x), -Infinity), n: v.length };
};

/** Sample mean within 4 standard errors of 0, sample std within 4 standard errors of `std`. */
const expectMoments = async (t: Tensor, std: number, kurtosis: 'normal' | 'uniform'): Promise<void> => {
  const m = await moments(t);
  expect(Math.abs(m.mean), `mean ${m.mean}`).toBeLessThan((4 * std) / Math.sqrt(m.n));
  // SE of the sample std: std sqrt((kurt - 1) / (4n)); kurtosis 3 for a normal, 1.8 for a uniform.
  const se = std * Math.sqrt(((kurtosis === 'normal' ? 3 : 1.8) - 1) / (4 * m.n));
  expect(Math.abs(m.std - std), `std ${m.std} vs ${std}`).toBeLessThan(4 * se);
};

describe('gains and fans follow PyTorch', () => {
  it('calculateGain', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15); // PyTorch's default slope here
    expect(calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
  });

  it('fans of a linear weight [out, in] and of a conv weight [out, in, kh, kw]', () => {
    expect(computeFans('t', [256, 784])).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans('t', [16, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 400 });
    expect(computeFans('t', [256], { fanIn: 784, fanOut: 256 })).toEqual({ fanIn: 784, fanOut: 256 });
    expect(() => computeFans('kaimingNormal', [256])).toThrow('kaimingNormal: cannot compute fanIn for shape [256] (fewer than 2 dimensions)');
  });
});

describe('initialiser distributions ([256, 784], float64)', () => {
  const shape = [256, 784] as const;
  it('kaimingNormal: untruncated N(0, 2/fan_in), std 0.0505; fanOut mode and gains', async () => {
    const w = kaimingNormal(key(1), reference, shape);
    expect(Math.sqrt(2 / 784)).toBeCloseTo(0.0505, 4);
    await expectMoments(w, Math.sqrt(2 / 784), 'normal');
    // Untruncated: some samples lie beyond 2 std (a truncated normal, as Keras's he_normal, has none).
    const m = await moments(w);
    expect(m.max).toBeGreaterThan(4 * Math.sqrt(2 / 784));
    await expectMoments(kaimingNormal(key(2), reference, shape, { mode: 'fanOut' }), Math.sqrt(2 / 256), 'normal');
    await expectMoments(kaimingNormal(key(3), reference, shape, { nonlinearity: 'tanh' }), 5 / 3 / Math.sqrt(784), 'normal');
    await expectMoments(kaimingNormal(key(4), reference, shape, { negativeSlope: Math.sqrt(5) }), Math.sqrt(1 / 3) / Math.sqrt(784), 'normal');
    await expectMoments(kaimingNormal(key(5), reference, shape, { nonlinearity: 'relu', negativeSlope: 3 }), Math.sqrt(2 / 784), 'normal'); // slope only used by leakyRelu
  });

  it('kaimingUniform: U(-b, b), b = gain sqrt(3 / fan_in)', async () => {
    const bound = Math.SQRT2 * Math.sqrt(3 / 784);
    const m = await moments(kaimingUniform(key(1), reference, shape));
    expect(m.min).toBeGreaterThanOrEqual(-bound);
    expect(m.max).toBeLessThan(bound);
    expect(m.max).toBeGreaterThan(0.999 * bound);
    await expectMoments(kaimingUniform(key(1), reference, shape), bound / Math.sqrt(3), 'uniform');
  });

  it('xavierNormal and xavierUniform with gain', async () => {
    await expectMoments(xavierNormal(key(1), reference, shape), Math.sqrt(2 / 1040), 'normal');
    await expectMoments(xavierNormal(key(2), reference, shape, { gain: 2 }), 2 * Math.sqrt(2 / 1040), 'normal');
    const bound = calculateGain('tanh') * Math.sqrt(6 / 1040);
    const u = xavierUniform(key(3), reference, shape, { gain: calculateGain('tanh') });
    const m = await moments(u);
    expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(bound);
    await expectMoments(u, bound / Math.sqrt(3), 'uniform');
  });

  it('torchLinearDefault: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))', async () => {
    const bound = 1 / Math.sqrt(784);
    const w = await moments(torchLinearDefault(key(1), reference, shape));
    expect(Math.max(-w.min, w.max)).toBeLessThanOrEqual(bound);
    await expectMoments(torchLinearDefault(key(1), reference, shape), bound / Math.sqrt(3), 'uniform');
    const b = await moments(torchLinearDefault(key(2), reference, [256], { fanIn: 784 }));
    expect(Math.max(-b.min, b.max)).toBeLessThanOrEqual(bound);
    expect(Math.max(-b.min, b.max)).toBeGreaterThan(0.8 * bound);
    expect(() => torchLinearDefault(key(2), reference, [256])).toThrow('torchLinearDefault: cannot compute fanIn for shape [256]');
  });

  it("torchLinearDefault's weight is PyTorch's kaiming_uniform_(a=sqrt(5))", async () => {
    const a = Float64Array.from(await toArray(torchLinearDefault(key(6), reference, [8, 30])));
    const b = Float64Array.from(await toArray(kaimingUniform(key(6), reference, [8, 30], { negativeSlope: Math.sqrt(5) })));
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 14));
  });

  it('zeros and constant', async () => {
    expect(Array.from(await toArray(zeros(key(0), cpu, [2, 2])))).toEqual([0, 0, 0, 0]);
    expect(Array.from(await toArray(constant(0.5)(key(0), cpu, [3])))).toEqual([0.5, 0.5, 0.5]);
  });

  it('rejects bad options with the API name', () => {
    expect(() => kaimingNormal(key(0), cpu, [2, 2], { mode: 'fan_in' as 'fanIn' })).toThrow("kaimingNormal: expected mode 'fanIn' or 'fanOut', got fan_in");
    expect(() => xavierUniform(key(0), cpu, [2, 2], { gain: Number.NaN })).toThrow('xavierUniform: expected a finite gain, got NaN');
    expect(() => kaimingUniform(key(0), cpu, [4], { fanIn: -1 })).toThrow('kaimingUniform: expected fanIn to be a non-negative integer, got -1');
  });
});

describe('initialiser properties', () => {
  const all: ReadonlyArray<readonly [string, Initializer]> = [
    ['kaimingNormal', kaimingNormal],
    ['kaimingUniform', kaimingUniform],
    ['xavierNormal', xavierNormal],
    ['xavierUniform', xavierUniform],
    ['torchLinearDefault', torchLinearDefault],
  ];
  it.each(all)('%s is a function of its key: same key, same values; another key, other values', async (_name, init) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), async (seed, out, inn) => {
        const a = await toArray(init(key(seed), cpu, [out, inn]));
        const b = await toArray(init(key(seed), cpu, [out, inn]));
        const c = await toArray(init(key(seed + 1), cpu, [out, inn]));
        expect(a).toEqual(b);
        expect(a).not.toEqual(c);
        expect(a).toBeInstanceOf(Float32Array);
      }),
      { numRuns: 25 },
    );
  });

  it('kaimingNormal std tracks sqrt(2 / fan_in) for random large layers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 64, max: 256 }), fc.integer({ min: 200, max: 1000 }), async (seed, out, inn) => {
        await expectMoments(kaimingNormal(key(seed), reference, [out, inn]), Math.sqrt(2 / inn), 'normal');
      }),
      { numRuns: 8 },
    );
  });
});
