import { describe, expect, it } from 'vitest';
import { cpuBackend, customVjp, mul, neg, sub, sum, tensor, toArray, type Tensor } from '../../../src/core/index.js';
import { gelu, leakyRelu, logSigmoid, logSoftmax, relu, sigmoid, softmax, softplus, tanh } from '../../../src/layers/activations.js';
import { gradientError, gradientOfSum, reference } from './finite-differences.js';

const cpu = cpuBackend();
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));
const expectClose = (got: readonly number[], want: readonly number[], tolerance: number): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `index ${i}: got ${g}, want ${want[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want[i]))));
};

// Away from the kinks of relu / leakyRelu (0) so that central differences are meaningful.
const points = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.5];

describe('activation values', () => {
  it('relu, leakyRelu', async () => {
    const x = tensor(reference, [-2, -0.5, 0, 0.5, 3], [5]);
    expect(await values(relu(x))).toEqual([0, 0, 0, 0.5, 3]);
    expect(await values(leakyRelu(x))).toEqual([-0.02, -0.005, 0, 0.5, 3]);
    expect(await values(leakyRelu(x, 0.2))).toEqual([-0.4, -0.1, 0, 0.5, 3]);
    expect(await values(leakyRelu(x, 2))).toEqual([-4, -1, 0, 0.5, 3]); // slopes above 1 work too
  });

  it('sigmoid, logSigmoid, tanh, softplus against their textbook formulas', async () => {
    const xs = [-5, -1, -0.25, 0, 0.25, 1, 5];
    const x = tensor(reference, xs, [xs.length]);
    expectClose(await values(sigmoid(x)), xs.map((v) => 1 / (1 + Math.exp(-v))), 1e-14);
    expectClose(await values(logSigmoid(x)), xs.map((v) => -Math.log1p(Math.exp(-v))), 1e-14);
    expectClose(await values(tanh(x)), xs.map(Math.tanh), 1e-15);
    expectClose(await values(softplus(x)), xs.map((v) => Math.log1p(Math.exp(v))), 1e-14);
    expectClose(await values(softplus(x, { beta: 2 })), xs.map((v) => Math.log1p(Math.exp(2 * v)) / 2), 1e-14);
  });

  it('sigmoid keeps relative precision far in the negative tail', async () => {
    const [s] = await values(sigmoid(tensor(reference, [-40], [1])));
    expect(Math.abs(s - 4.248354255291589e-18) / 4.248354255291589e-18).toBeLessThan(1e-12);
  });

  it('gelu: exact erf form (PyTorch default) and tanh approximation', async () => {
    const x = tensor(reference, [-2, -1, 0, 1, 2], [5]);
    // x Φ(x) with Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208.
    expectClose(await values(gelu(x)), [-0.04550026389635842, -0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416], 1e-14);
    const approx = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expectClose(await values(gelu(x, { approximate: 'tanh' })), [-2, -1, 0, 1, 2].map(approx), 1e-14);
    // The approximation is close to, but not, the exact form.
    const [exactAt1, approxAt1] = [(await values(gelu(x)))[3], (await values(gelu(x, { approximate: 'tanh' })))[3]];
    expect(Math.abs(exactAt1 - approxAt1)).toBeGreaterThan(1e-5);
    expect(Math.abs(exactAt1 - approxAt1)).toBeLessThan(1e-3);
  });

  it('softmax and logSoftmax along the last axis and along axis 0', async () => {
    const x = tensor(reference, [1, 2, 3, 1, 1, 1], [2, 3]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expectClose(await values(logSoftmax(x)), [1 - lse, 2 - lse, 3 - lse, -Math.log(3), -Math.log(3), -Math.log(3)], 1e-15);
    expectClose(await values(softmax(x)), [1, 2, 3].map((v) => Math.exp(v - lse)).concat([1 / 3, 1 / 3, 1 / 3]), 1e-15);
    const columns = await values(softmax(x, 0));
    for (let c = 0; c < 3; c++) expect(columns[c] + columns[3 + c]).toBeCloseTo(1, 14);
    expectClose(columns.slice(0, 3), [0.5, Math.exp(2) / (Math.exp(2) + Math.exp(1)), Math.exp(3) / (Math.exp(3) + Math.exp(1))], 1e-15);
  });

  it('rejects bad options with the API name', () => {
    const x = tensor(reference, [1], [1]);
    expect(() => softplus(x, { beta: 0 })).toThrow('softplus: expected beta > 0, got 0');
    expect(() => leakyRelu(x, Number.NaN)).toThrow('leakyRelu');
    expect(() => gelu(x, { approximate: 'erf' as 'tanh' })).toThrow("gelu: expected approximate 'none' or 'tanh', got erf");
  });
});

describe('activation gradients (central differences, float64)', () => {
  const cases: ReadonlyArray<readonly [string, (x: Tensor) => Tensor]> = [
    ['relu', relu],
    ['leakyRelu', (x) => leakyRelu(x, 0.1)],
    ['sigmoid', sigmoid],
    ['logSigmoid', logSigmoid],
    ['tanh', tanh],
    ['gelu', gelu],
    ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
    ['softplus', softplus],
    ['softplus beta 3', (x) => softplus(x, { beta: 3 })],
    ['softmax', softmax],
    ['softmax axis 0', (x) => softmax(x, 0)],
    ['logSoftmax', logSoftmax],
    ['logSoftmax axis 0', (x) => logSoftmax(x, 0)],
  ];
  it.each(cases)('%s', async (_name, f) => {
    expect(await gradientError(f, points, [2, 3])).toBeLessThanOrEqual(0);
  });

  it('the check catches a wrong gradient', async () => {
    // sigmoid's values with a sign-flipped gradient rule must fail the check.
    const flipped = customVjp((x: Tensor) => sigmoid(x), {
      fwd: (x) => [sigmoid(x), sigmoid(x)],
      bwd: (s, ct) => [neg(mul(ct, mul(s, sub(1, s))))],
    });
    expect(await gradientError(flipped, points, [6])).toBeGreaterThan(0.01);
  });

  it('gradients at the kinks follow PyTorch: relu\'(0) = 0, leakyRelu\'(0) = slope, softplus\'(0) = 1/2, sigmoid\'(0) = 1/4', async () => {
    const zero = tensor(reference, [0], [1]);
    expect(await gradientOfSum(relu, zero)).toEqual([0]);
    expect(await gradientOfSum((x) => leakyRelu(x, 0.2), zero)).toEqual([0.2]);
    expect(await gradientOfSum(softplus, zero)).toEqual([0.5]);
    expect((await gradientOfSum(sigmoid, zero))[0]).toBeCloseTo(0.25, 15);
    expect((await gradientOfSum(logSigmoid, zero))[0]).toBeCloseTo(0.5, 15);
    expect((await gradientOfSum(gelu, zero))[0]).toBeCloseTo(0.5, 15);
  });
});

describe('stability at |x| = 1e4', () => {
  const all: ReadonlyArray<readonly [string, (x: Tensor) => Tensor]> = [
    ['relu', relu],
    ['leakyRelu', leakyRelu],
    ['sigmoid', sigmoid],
    ['logSigmoid', logSigmoid],
    ['tanh', tanh],
    ['gelu', gelu],
    ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
    ['softplus', softplus],
    ['softmax', softmax],
    ['logSoftmax', logSoftmax],
  ];
  for (const backend of [reference, cpu]) {
    it.each(all)(`%s is finite in value and gradient on ${backend.name}`, async (_name, f) => {
      const x = tensor(backend, [-1e4, -50, 0, 50, 1e4, 1e4], [2, 3]);
      const out = await values(f(x));
      expect(out.every(Number.isFinite), `values ${out}`).toBe(true);
      const g = await gradientOfSum((t) => sum(f(t)), x);
      expect(g.every(Number.isFinite), `gradient ${g}`).toBe(true);
    });
  }

  it('saturating values are exact at the ends', async () => {
    const x = tensor(cpu, [-1e4, 1e4], [2]);
    expect(await values(sigmoid(x))).toEqual([0, 1]);
    expect(await values(softplus(x))).toEqual([0, 1e4]);
    expect((await values(logSigmoid(x))).map((v) => v + 0)).toEqual([-1e4, 0]); // -0 at the top end
    // float32: shifting by the max keeps this exact; x - logSumExp(x) would give 0.49989.
    expect(await values(softmax(tensor(cpu, [1e4, -1e4, 1e4], [3])))).toEqual([0.5, 0, 0.5]);
    expectClose(await values(logSoftmax(tensor(cpu, [1e4, 1e4 - 1], [2]))), [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], 1e-7);
    expect(await values(logSoftmax(tensor(reference, [1e4, -1e4], [2])))).toEqual([0, -2e4]);
    expect((await gradientOfSum(sigmoid, x)).map((v) => v + 0)).toEqual([0, 0]);
  });
});
