import { describe, expect, it } from 'vitest';
import { BackendError, InvalidArgumentError, ShapeError, cpuBackend, tensor, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { checkVariance, gaussianNll, gaussianNllLogVar } from '../../../src/losses/index.js';
import { cpu, reference, scalarValue, values } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** PyTorch GaussianNLLLoss per element, by hand. */
const expectedLoss = (mu: number, y: number, v: number, eps = 1e-6): number => {
  const c = Math.max(v, eps);
  return 0.5 * (Math.log(c) + (mu - y) ** 2 / c);
};

const MU = [1, 2, -0.5, 0.25];
const Y = [0, 4, 0.5, 0.25];
const V = [0.5, 2, 1.5, 0.1];
const t = (xs: readonly number[], shape: readonly number[], backend = reference): Tensor => tensor(backend, xs, shape);

describe('gaussianNll: values', () => {
  it('0.5 (log v + (mu - y)^2 / v), every reduction, full adds 0.5 log(2 pi)', async () => {
    const expected = MU.map((m, i) => expectedLoss(m, Y[i], V[i]));
    const none = await values(gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t(V, [2, 2]), { reduction: 'none' }));
    expected.forEach((v, i) => expect(none[i]).toBeCloseTo(v, 15));
    const total = expected.reduce((a, b) => a + b, 0);
    expect(await scalarValue(gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t(V, [2, 2]), { reduction: 'sum' }))).toBeCloseTo(total, 14);
    expect(await scalarValue(gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t(V, [2, 2])))).toBeCloseTo(total / 4, 14);
    expect(await scalarValue(gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t(V, [2, 2]), { full: true }))).toBeCloseTo(total / 4 + HALF_LOG_TWO_PI, 14);
    expect(await scalarValue(gaussianNll(t(MU, [2, 2], cpu), t(Y, [2, 2], cpu), t(V, [2, 2], cpu)))).toBeCloseTo(total / 4, 6);
  });

  it('standard normal at its mean: 0.5 log(2 pi) with full', async () => {
    expect(await scalarValue(gaussianNll(t([3], [1]), t([3], [1]), 1, { full: true }))).toBeCloseTo(HALF_LOG_TWO_PI, 15);
  });

  it('variance broadcasts from [N, 1], [N] and a number (homoscedastic), as PyTorch', async () => {
    const mu = t(MU, [2, 2]);
    const y = t(Y, [2, 2]);
    const perRow = [0.5, 2];
    const expected = MU.map((m, i) => expectedLoss(m, Y[i], perRow[Math.floor(i / 2)]));
    for (const variance of [t(perRow, [2, 1]), t(perRow, [2])]) {
      const none = gaussianNll(mu, y, variance, { reduction: 'none' });
      expect(none.shape).toEqual([2, 2]);
      (await values(none)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 15));
    }
    const shared = await values(gaussianNll(mu, y, 0.5, { reduction: 'none' }));
    shared.forEach((v, i) => expect(v).toBeCloseTo(expectedLoss(MU[i], Y[i], 0.5), 15));
  });

  it('variance below eps is raised to eps; a custom eps is honoured', async () => {
    const loss = await values(gaussianNll(t([1, 1], [2]), t([1, 1.001], [2]), t([0, 1e-9], [2]), { reduction: 'none' }));
    expect(loss[0]).toBeCloseTo(expectedLoss(1, 1, 0), 12);
    expect(loss[1]).toBeCloseTo(expectedLoss(1, 1.001, 1e-9), 9);
    expect(await scalarValue(gaussianNll(t([0], [1]), t([0], [1]), t([0.01], [1]), { eps: 0.1 }))).toBeCloseTo(0.5 * Math.log(0.1), 14);
  });

  it('a negative variance is clamped (finite, as if eps), never NaN - the documented difference', async () => {
    for (const backend of [reference, cpu]) {
      const loss = await values(gaussianNll(t([1, 2], [2], backend), t([1.5, 2], [2], backend), t([-3, -1e30], [2], backend), { reduction: 'none' }));
      expect(loss.every(Number.isFinite)).toBe(true);
      const expected = [expectedLoss(1, 1.5, 1e-6), 0.5 * Math.log(1e-6)];
      loss.forEach((v, i) => expect(Math.abs(v - expected[i]) / Math.abs(expected[i])).toBeLessThan(backend === cpu ? 1e-6 : 1e-12));
    }
  });
});

describe('gaussianNll: gradients', () => {
  it('d/dmu = (mu - y) / v, d/dy = -(mu - y) / v, d/dv = 0.5 (1/v - (mu - y)^2 / v^2)', async () => {
    const [, g] = valueAndGrad((p: { mu: Tensor; y: Tensor; v: Tensor }) => gaussianNll(p.mu, p.y, p.v, { reduction: 'sum' }))({ mu: t(MU, [4]), y: t(Y, [4]), v: t(V, [4]) });
    const d = MU.map((m, i) => m - Y[i]);
    (await values(g.mu)).forEach((v, i) => expect(v).toBeCloseTo(d[i] / V[i], 14));
    (await values(g.y)).forEach((v, i) => expect(v).toBeCloseTo(-d[i] / V[i], 14));
    (await values(g.v)).forEach((v, i) => expect(v).toBeCloseTo(0.5 * (1 / V[i] - d[i] ** 2 / V[i] ** 2), 12));
  });

  it('the clamp is straight-through, like PyTorch: below eps, d/dv is the formula at eps', async () => {
    const eps = 1e-3;
    const [, g] = valueAndGrad((v: Tensor) => gaussianNll(t([1, 1], [2]), t([1.01, 1], [2]), v, { eps, reduction: 'sum' }))(t([1e-5, -2], [2]));
    const at = (d: number): number => 0.5 * (1 / eps - d ** 2 / eps ** 2);
    const grads = await values(g);
    expect(grads[0]).toBeCloseTo(at(0.01), 8);
    expect(grads[1]).toBeCloseTo(at(0), 8);
  });

  it('a broadcast variance [N, 1] gets the gradient summed over D', async () => {
    const [, g] = valueAndGrad((v: Tensor) => gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), v, { reduction: 'sum' }))(t([0.5, 2], [2, 1]));
    const d = MU.map((m, i) => m - Y[i]);
    const dv = (i: number, v: number): number => 0.5 * (1 / v - d[i] ** 2 / v ** 2);
    expect(g.shape).toEqual([2, 1]);
    const grads = await values(g);
    expect(grads[0]).toBeCloseTo(dv(0, 0.5) + dv(1, 0.5), 13);
    expect(grads[1]).toBeCloseTo(dv(2, 2) + dv(3, 2), 13);
  });
});

describe('gaussianNllLogVar', () => {
  it('0.5 (s + (mu - y)^2 exp(-s)) equals gaussianNll at v = exp(s)', async () => {
    const s = V.map(Math.log);
    for (const full of [false, true]) {
      const a = await values(gaussianNllLogVar(t(MU, [2, 2]), t(Y, [2, 2]), t(s, [2, 2]), { full, reduction: 'none' }));
      const b = await values(gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t(V, [2, 2]), { full, reduction: 'none' }));
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 14));
    }
    expect(await scalarValue(gaussianNllLogVar(t(MU, [2, 2]), t(Y, [2, 2]), t([0, 1], [2])))).toBeCloseTo(
      MU.reduce((acc, m, i) => acc + 0.5 * ([0, 1][Math.floor(i / 2)] + (m - Y[i]) ** 2 * Math.exp(-[0, 1][Math.floor(i / 2)])), 0) / 4,
      14,
    );
  });

  it('d/ds = 0.5 (1 - (mu - y)^2 exp(-s)), bounded as the variance shrinks', async () => {
    const s = [-10, 0, 3, -1];
    const [, g] = valueAndGrad((x: Tensor) => gaussianNllLogVar(t(MU, [4]), t(Y, [4]), x, { reduction: 'sum' }))(t(s, [4]));
    (await values(g)).forEach((v, i) => expect(v).toBeCloseTo(0.5 * (1 - (MU[i] - Y[i]) ** 2 * Math.exp(-s[i])), 9));
  });
});

describe('checkVariance', () => {
  it('resolves to the same tensor when every entry is >= 0', async () => {
    const v = t([0, 1, 2], [3]);
    await expect(checkVariance(v)).resolves.toBe(v);
  });
  it('rejects negative and NaN entries with a message naming gaussianNll', async () => {
    await expect(checkVariance(t([1, -0.5, -2], [3]))).rejects.toThrow(InvalidArgumentError);
    await expect(checkVariance(t([1, -0.5, -2], [3]))).rejects.toThrow(/^gaussianNll: expected a non-negative variance, got 2 negative or NaN entries \(first -0.5 at flat index 1\)/);
    await expect(checkVariance(t([Number.NaN], [1]))).rejects.toThrow(/1 negative or NaN entry \(first NaN at flat index 0\)/);
  });
});

describe('gaussianNll: invalid input', () => {
  it('variance of a shape PyTorch refuses', () => {
    expect(() => gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t([1, 2], [1, 2]))).toThrow(ShapeError);
    expect(() => gaussianNll(t(MU, [2, 2]), t(Y, [2, 2]), t([1, 2], [1, 2]))).toThrow(
      /^gaussianNll: expected a variance of shape \[2, 2\], \[2, 1\] or \[2\] for mean \[2, 2\], got \[1, 2\]/,
    );
    expect(() => gaussianNllLogVar(t(MU, [2, 2]), t(Y, [2, 2]), t([1, 2, 3], [3]))).toThrow(/^gaussianNllLogVar: expected logVar of shape \[2, 2\], \[2, 1\] or \[2\] for mean \[2, 2\], got \[3\]/);
  });
  it('mean and target must have the same shape', () => {
    expect(() => gaussianNll(t(MU, [2, 2]), t(Y, [4]), 1)).toThrow(/^gaussianNll: expected mean and target of the same shape, got mean \[2, 2\] and target \[4\]/);
  });
  it('a negative number variance, a bad eps, a bad reduction, two backends', () => {
    expect(() => gaussianNll(t(MU, [4]), t(Y, [4]), -1)).toThrow(/^gaussianNll: expected a non-negative variance, got -1/);
    expect(() => gaussianNll(t(MU, [4]), t(Y, [4]), 1, { eps: -1e-6 })).toThrow(/^gaussianNll: expected eps to be a finite number >= 0, got -0.000001/);
    expect(() => gaussianNll(t(MU, [4]), t(Y, [4]), 1, { reduction: 'none!' as never })).toThrow(/^gaussianNll: expected reduction/);
    expect(() => gaussianNll(t(MU, [4], cpu), t(Y, [4], cpu), t(V, [4], cpuBackend()))).toThrow(BackendError);
  });
});
