/**
 * Hand-written VJP rules (customVjp) for testing the kit itself: deliberately wrong ones, each a
 * classic bug in a gradient rule, which every checker must catch; and correct ones, which must
 * pass. `make` builds a fresh function per check so that a stateful rule starts from scratch.
 */
import fc from 'fast-check';
import {
  add, customVjp, div, exp, log1p, matmul, maximum, mul, neg, reshape, sub, sum, tanh, tensor,
  type Backend, type Tensor,
} from '../../../src/core/index.js';
import { tensorArb, tensorsArb } from '../../../src/testing/index.js';
import type { CheckFailure } from '../../../src/testing/index.js';

export interface RuleCase {
  readonly name: string;
  readonly make: () => (...args: readonly Tensor[]) => Tensor;
  readonly inputs: (backend: Backend) => fc.Arbitrary<Tensor[]>;
  readonly names: readonly string[];
  /** For wrong rules: the failure kind the checker must report first. */
  readonly caughtAs?: CheckFailure['kind'];
}

/** Square matrices with distinct entries: a symmetric b would hide a transposition bug. */
const square = (n: fc.Arbitrary<number>, backend: Backend, count: number) =>
  n.chain((k) => tensorsArb(backend, Array.from({ length: count }, () => [k, k]), { distinct: 'all', margin: 0.05 }));
const side = fc.integer({ min: 2, max: 5 });
const vector = (backend: Backend) => tensorArb(backend, fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([a, b]) => [a, b])).map((x) => [x]);

const asArray = (t: Tensor): Float64Array => t.buffer as unknown as Float64Array;
const oneHotRow = (backend: Backend, rows: number): Tensor => tensor(backend, Array.from({ length: rows }, (_, i) => (i === 0 ? 1 : 0)), [1, rows]);

const tanhRule = (bwd: (y: Tensor, ct: Tensor) => Tensor) =>
  customVjp((x: Tensor) => tanh(x), {
    fwd: (x) => {
      const y = tanh(x);
      return [y, y];
    },
    bwd: (y, ct) => [bwd(y, ct)],
  });
const tanhDerivative = (y: Tensor, ct: Tensor): Tensor => mul(ct, sub(1, mul(y, y)));

const matmulRule = (da: (a: Tensor, b: Tensor, ct: Tensor) => Tensor) =>
  customVjp((a: Tensor, b: Tensor) => matmul(a, b), {
    fwd: (a, b) => [matmul(a, b), [a, b] as const],
    bwd: ([a, b], ct) => [da(a, b, ct), matmul(a, ct, { transA: true })],
  });

/** x [m, n] + bias [n], the bias broadcast over rows; `db` is the bias rule under test. */
const biasRule = (db: (ct: Tensor, backend: Backend) => Tensor) =>
  customVjp((x: Tensor, b: Tensor) => add(x, b), {
    fwd: (x, b) => [add(x, b), x.backend],
    bwd: (backend, ct) => [ct, db(ct, backend)],
  });
const biasInputs = (backend: Backend, rows: fc.Arbitrary<number>, square: boolean) =>
  fc.tuple(rows, fc.integer({ min: 1, max: 4 })).chain(([m, n]) => tensorsArb(backend, [[m, square ? m : n], [square ? m : n]]));

const squareRule = (factor: number) =>
  customVjp((x: Tensor) => mul(x, x), { fwd: (x) => [mul(x, x), x], bwd: (x, ct) => [mul(ct, mul(x, factor))] });

const mulRule = (ignoreSecond: boolean) =>
  customVjp((a: Tensor, b: Tensor) => mul(a, b), {
    fwd: (a, b) => [mul(a, b), [a, b] as const],
    bwd: ([a, b], ct) => [mul(ct, b), ignoreSecond ? undefined : mul(ct, a)],
  });

export const wrongRules: readonly RuleCase[] = [
  { name: 'sign flip (tanh)', make: () => tanhRule((y, ct) => neg(tanhDerivative(y, ct))), inputs: vector, names: ['x'], caughtAs: 'mismatch' },
  { name: 'transposed matmul (da = ct·b instead of ct·bᵀ)', make: () => matmulRule((_a, b, ct) => matmul(ct, b)), inputs: (be) => square(side, be, 2), names: ['a', 'b'], caughtAs: 'mismatch' },
  {
    name: 'missing broadcast reduction: bias cotangent reduced over the wrong axis',
    make: () => biasRule((ct) => sum(ct, { axes: 1 })),
    inputs: (be) => biasInputs(be, side, true),
    names: ['x', 'bias'],
    caughtAs: 'mismatch',
  },
  {
    name: 'missing broadcast reduction: bias cotangent taken from the first row only',
    make: () => biasRule((ct, be) => reshape(matmul(oneHotRow(be, ct.shape[0]), ct), [ct.shape[1]])),
    inputs: (be) => biasInputs(be, side, false),
    names: ['x', 'bias'],
    caughtAs: 'mismatch',
  },
  { name: 'missing factor of 2 (d x² = x)', make: () => squareRule(1), inputs: vector, names: ['x'], caughtAs: 'mismatch' },
  { name: 'gradient ignores one argument (d(a·b)/db = 0)', make: () => mulRule(true), inputs: (be) => vector(be).chain(([a]) => tensorArb(be, a.shape).map((b) => [a, b])), names: ['a', 'b'], caughtAs: 'mismatch' },
  {
    name: 'VJP mutates its cotangent',
    make: () =>
      tanhRule((y, ct) => {
        asArray(ct)[0] += 1; // writes into the cotangent's buffer through the backend's array
        return tanhDerivative(y, ct);
      }),
    inputs: vector,
    names: ['x'],
    caughtAs: 'mutation',
  },
  {
    name: 'VJP mutates its residual (the input)',
    make: () =>
      customVjp((x: Tensor) => mul(x, x), {
        fwd: (x) => [mul(x, x), x],
        bwd: (x, ct) => {
          const g = mul(ct, mul(x, 2));
          asArray(x)[0] = 0;
          return [g];
        },
      }),
    inputs: vector,
    names: ['x'],
    caughtAs: 'mutation',
  },
  {
    name: 'stateful VJP (answers differ between calls)',
    make: () => {
      let calls = 0; // local to this instance: the bug under test is exactly this hidden state
      return tanhRule((y, ct) => mul(tanhDerivative(y, ct), ++calls));
    },
    inputs: vector,
    names: ['x'],
    caughtAs: 'impurePullback',
  },
  {
    name: 'one gradient entry wrong (the first, by 50%)',
    make: () =>
      tanhRule((y, ct) => {
        const g = tanhDerivative(y, ct);
        const bump = new Float64Array(g.size);
        bump[0] = 1.5;
        return mul(g, add(tensor(g.backend, bump, g.shape), 1));
      }),
    inputs: vector,
    names: ['x'],
    caughtAs: 'mismatch',
  },
];

/** softplus(x) = max(x, 0) + log1p(exp(-|x|)), with the hand rule sigmoid(x) = 1 / (1 + exp(-x)). */
const softplus = customVjp((x: Tensor) => add(maximum(x, 0), log1p(exp(neg(maximum(x, neg(x)))))), {
  fwd: (x) => [add(maximum(x, 0), log1p(exp(neg(maximum(x, neg(x)))))), x],
  bwd: (x, ct) => [div(ct, add(exp(neg(x)), 1))],
});

export const correctRules: readonly RuleCase[] = [
  { name: 'tanh', make: () => tanhRule(tanhDerivative), inputs: vector, names: ['x'] },
  { name: 'matmul', make: () => matmulRule((_a, b, ct) => matmul(ct, b, { transB: true })), inputs: (be) => square(side, be, 2), names: ['a', 'b'] },
  { name: 'bias broadcast, reduced over rows', make: () => biasRule((ct) => sum(ct, { axes: 0 })), inputs: (be) => biasInputs(be, side, false), names: ['x', 'bias'] },
  { name: 'x² with its factor 2', make: () => squareRule(2), inputs: vector, names: ['x'] },
  { name: 'a·b, both arguments', make: () => mulRule(false), inputs: (be) => vector(be).chain(([a]) => tensorArb(be, a.shape).map((b) => [a, b])), names: ['a', 'b'] },
  { name: 'stable softplus with a sigmoid rule', make: () => (x) => softplus(x), inputs: vector, names: ['x'] },
  {
    name: 'a rule returning undefined for an argument the function ignores',
    make: () => customVjp((a: Tensor, b: Tensor) => tanh(add(a, mul(b, 0))), { fwd: (a) => { const y = tanh(a); return [y, y]; }, bwd: (y, ct) => [tanhDerivative(y, ct), undefined] }),
    inputs: (be) => vector(be).chain(([a]) => tensorArb(be, a.shape).map((b) => [a, b])),
    names: ['a', 'b'],
  },
  {
    name: 'scalar output (sum of squares)',
    make: () => customVjp((x: Tensor) => sum(mul(x, x)), { fwd: (x) => [sum(mul(x, x)), x], bwd: (x, ct) => [mul(mul(x, 2), ct)] }),
    inputs: vector,
    names: ['x'],
  },
];

