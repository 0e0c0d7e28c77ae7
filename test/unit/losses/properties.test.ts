/**
 * Laws of the losses, checked with fast-check on the float64 reference backend: agreement with an
 * independent float64 transcription of PyTorch's formulas, the identities that relate the losses
 * to each other, and the fold structure (each example's loss depends on its row only).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, exp, tensor, type Tensor } from '../../../src/core/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, gaussianNll, gaussianNllLogVar, mse, nll, type Reduction } from '../../../src/losses/index.js';
import { logSoftmax, reference, values } from './support.js';

const RUNS = { numRuns: 60 };
const close = (a: number, b: number, tol = 1e-9): boolean =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const allClose = (a: readonly number[], b: readonly number[], tol = 1e-9): boolean => a.length === b.length && a.every((v, i) => close(v, b[i], tol));

const reduction = fc.constantFrom<Reduction>('none', 'mean', 'sum');
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });

interface ClassBatch {
  readonly n: number;
  readonly c: number;
  readonly logits: number[];
  readonly labels: number[];
  readonly weight: number[] | undefined;
  readonly labelSmoothing: number;
  readonly reduction: Reduction;
}

const classBatch: fc.Arbitrary<ClassBatch> = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }))
  .chain(([n, c]) =>
    fc.record({
      n: fc.constant(n),
      c: fc.constant(c),
      logits: fc.array(real(-30, 30), { minLength: n * c, maxLength: n * c }),
      labels: fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: c - 1 }) }, { weight: 1, arbitrary: fc.constant(-100) }), { minLength: n, maxLength: n }),
      weight: fc.option(fc.array(real(0.1, 3), { minLength: c, maxLength: c }), { nil: undefined }),
      labelSmoothing: fc.oneof(fc.constant(0), real(0, 1)),
      reduction,
    }),
  );

/** PyTorch's CrossEntropyLoss (LossNLL.cpp, cross_entropy_loss_label_smoothing), transcribed in float64. */
const pytorchCrossEntropy = (b: ClassBatch): number[] => {
  const w = b.weight ?? new Array<number>(b.c).fill(1);
  const logProbs = Array.from({ length: b.n }, (_, r) => {
    const row = b.logits.slice(r * b.c, (r + 1) * b.c);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  });
  const counted = b.labels.map((y) => y !== -100);
  const nllPer = logProbs.map((row, r) => (counted[r] ? -w[b.labels[r]] * row[b.labels[r]] : 0));
  const smoothPer = logProbs.map((row, r) => (counted[r] ? -row.reduce((s, v, c) => s + w[c] * v, 0) : 0));
  const eps = b.labelSmoothing;
  if (b.reduction === 'none') return nllPer.map((v, r) => (1 - eps) * v + (eps / b.c) * smoothPer[r]);
  const total = (xs: number[]): number => xs.reduce((s, v) => s + v, 0);
  const divisor = b.reduction === 'sum' ? 1 : total(b.labels.filter((_, r) => counted[r]).map((y) => w[y]));
  return [(1 - eps) * (total(nllPer) / divisor) + (eps / b.c) * (total(smoothPer) / divisor)];
};

const run = async (f: () => Tensor): Promise<number[]> => values(f());

describe('crossEntropy laws', () => {
  it('equals the float64 transcription of PyTorch, for weights, ignoreIndex, smoothing and every reduction', async () => {
    await fc.assert(
      fc.asyncProperty(classBatch, async (b) => {
        const got = await run(() => crossEntropy(tensor(reference, b.logits, [b.n, b.c]), b.labels, b));
        expect(allClose(got, pytorchCrossEntropy(b))).toBe(true);
      }),
      RUNS,
    );
  });

  it('with labelSmoothing 0 equals nll(logSoftmax(logits)) (PyTorch identity)', async () => {
    await fc.assert(
      fc.asyncProperty(classBatch, async (b) => {
        const z = tensor(reference, b.logits, [b.n, b.c]);
        const options = { weight: b.weight, reduction: b.reduction };
        expect(allClose(await run(() => crossEntropy(z, b.labels, options)), await run(() => nll(logSoftmax(z), b.labels, options)))).toBe(true);
      }),
      RUNS,
    );
  });

  it('is invariant to adding a constant to a row of logits', async () => {
    await fc.assert(
      fc.asyncProperty(classBatch, fc.array(real(-1e3, 1e3), { minLength: 5, maxLength: 5 }), async (b, shifts) => {
        const z = tensor(reference, b.logits, [b.n, b.c]);
        const shifted = add(z, tensor(reference, shifts.slice(0, b.n), [b.n, 1]));
        expect(allClose(await run(() => crossEntropy(shifted, b.labels, b)), await run(() => crossEntropy(z, b.labels, b)), 1e-10)).toBe(true);
      }),
      RUNS,
    );
  });

  it('is a fold over the batch: none of a concatenation is the concatenation of none', async () => {
    await fc.assert(
      fc.asyncProperty(classBatch, fc.nat(), async (b, cut) => {
        const split = cut % (b.n + 1);
        const options = { ...b, reduction: 'none' as const };
        const part = (lo: number, hi: number) => run(() => crossEntropy(tensor(reference, b.logits.slice(lo * b.c, hi * b.c), [hi - lo, b.c]), b.labels.slice(lo, hi), options));
        const whole = await part(0, b.n);
        expect(allClose(whole, [...(await part(0, split)), ...(await part(split, b.n))], 0)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('binaryCrossEntropyWithLogits laws', () => {
  const bceBatch = fc.integer({ min: 1, max: 8 }).chain((size) =>
    fc.record({
      x: fc.array(real(-15, 15), { minLength: size, maxLength: size }),
      z: fc.array(real(0, 1), { minLength: size, maxLength: size }),
      posWeight: fc.option(real(0.1, 5), { nil: undefined }),
      weight: fc.option(real(0, 3), { nil: undefined }),
      reduction,
    }),
  );
  it('equals -w [pw z log s(x) + (1 - z) log(1 - s(x))] where that is accurate (|x| <= 15)', async () => {
    await fc.assert(
      fc.asyncProperty(bceBatch, async ({ x, z, posWeight, weight, reduction: r }) => {
        const s = (v: number): number => 1 / (1 + Math.exp(-v));
        const per = x.map((v, i) => (weight ?? 1) * -((posWeight ?? 1) * z[i] * Math.log(s(v)) + (1 - z[i]) * Math.log(1 - s(v))));
        const total = per.reduce((a, b) => a + b, 0);
        const expected = r === 'none' ? per : [r === 'sum' ? total : total / per.length];
        const got = await run(() => binaryCrossEntropyWithLogits(tensor(reference, x, [x.length]), tensor(reference, z, [z.length]), { posWeight, weight, reduction: r }));
        expect(allClose(got, expected, 1e-8)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('regression losses laws', () => {
  const pair = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([n, d]) =>
    fc.record({
      shape: fc.constant([n, d] as const),
      a: fc.array(real(-10, 10), { minLength: n * d, maxLength: n * d }),
      b: fc.array(real(-10, 10), { minLength: n * d, maxLength: n * d }),
      s: fc.array(real(-5, 5), { minLength: n * d, maxLength: n * d }),
    }),
  );

  it('mse: sum = size * mean = sum of none, none = squared differences', async () => {
    await fc.assert(
      fc.asyncProperty(pair, async ({ shape, a, b }) => {
        const [p, t] = [tensor(reference, a, shape), tensor(reference, b, shape)];
        const squared = a.map((v, i) => (v - b[i]) ** 2);
        const total = squared.reduce((x, y) => x + y, 0);
        expect(allClose(await run(() => mse(p, t, { reduction: 'none' })), squared)).toBe(true);
        expect(allClose(await run(() => mse(p, t, { reduction: 'sum' })), [total])).toBe(true);
        expect(allClose(await run(() => mse(p, t)), [total / a.length])).toBe(true);
      }),
      RUNS,
    );
  });

  it('gaussianNllLogVar(s) = gaussianNll(exp(s)) whenever exp(s) is above eps', async () => {
    await fc.assert(
      fc.asyncProperty(pair, fc.boolean(), reduction, async ({ shape, a, b, s }, full, r) => {
        const [m, y, logVar] = [tensor(reference, a, shape), tensor(reference, b, shape), tensor(reference, s, shape)];
        const viaLogVar = await run(() => gaussianNllLogVar(m, y, logVar, { full, reduction: r }));
        const viaVar = await run(() => gaussianNll(m, y, exp(logVar), { full, reduction: r }));
        expect(allClose(viaLogVar, viaVar, 1e-10)).toBe(true);
      }),
      RUNS,
    );
  });

  it('gaussianNll with a [N] variance equals the same variance repeated over D', async () => {
    await fc.assert(
      fc.asyncProperty(pair, async ({ shape: [n, d], a, b, s }) => {
        const rowVar = s.slice(0, n).map((v) => Math.exp(v));
        const repeated = Array.from({ length: n * d }, (_, i) => rowVar[Math.floor(i / d)]);
        const m = tensor(reference, a, [n, d]);
        const y = tensor(reference, b, [n, d]);
        const got = await run(() => gaussianNll(m, y, tensor(reference, rowVar, [n]), { reduction: 'none' }));
        expect(allClose(got, await run(() => gaussianNll(m, y, tensor(reference, repeated, [n, d]), { reduction: 'none' })), 0)).toBe(true);
      }),
      RUNS,
    );
  });
});
