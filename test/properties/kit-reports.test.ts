/**
 * What the kit reports and refuses: PyTorch's tolerance rule at its boundary, the worst element
 * named by its parameter path, writes into inputs, non-finite values, backend clashes, and
 * fast-check failures that print the seed and path which replay them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  add, cpuBackend, customVjp, linear, log, matmul, mul, referenceBackend, sum, tanh, tensor,
  type Backend, type Tensor,
} from '../../src/core/index.js';
import {
  assertGradTree, assertVjp, checkAgreement, checkGrad, checkGradTree, checkNoMutation, checkVjp, formatReport, GradientCheckError, keyArb,
  propertyParameters, propertyRunConfig, PropertyFailedError, shapeArb, tensorArb, type CheckReport, type CheckResult,
} from '../../src/testing/index.js';
import { wrongRules } from './support/rules.js';

const reference = referenceBackend();
const leftOf = (result: CheckResult): CheckReport => {
  if (E.isRight(result)) throw new Error(`expected the check to fail, it passed (worst ratio ${result.right.worstRatio})`);
  return result.left;
};
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed + 1.7 * i));

/** Identity forward whose VJP adds `amount` at `index` of a [rows, cols] cotangent: one wrong entry. */
const leakAt = (rows: number, cols: number, index: readonly [number, number], amount: number) =>
  customVjp((w: Tensor) => mul(w, 1), {
    fwd: (w) => [mul(w, 1), w.backend],
    bwd: (backend: Backend, ct) => {
      const bump = new Float64Array(rows * cols);
      bump[index[0] * cols + index[1]] = amount;
      return [add(ct, tensor(backend, bump, [rows, cols]))];
    },
  });

describe('tolerance: PyTorch gradcheck rule |a - n| <= atol + rtol·|n|, settable', () => {
  // f(x) = 3x has numeric derivative 3 (exact to ~1e-10); the rule claims 3 + delta.
  const scaledBy = (delta: number) => customVjp((x: Tensor) => mul(x, 3), { fwd: (x) => [mul(x, 3), undefined], bwd: (_r, ct) => [mul(ct, 3 + delta)] });
  const x = tensor(reference, [0.7], [1]);
  const allowed = 1e-5 + 1e-3 * 3;

  it('passes just inside the default bound and fails just outside it', async () => {
    expect(E.isRight(await checkGrad(scaledBy(0.95 * allowed), [x]))).toBe(true);
    const report = leftOf(await checkGrad(scaledBy(1.05 * allowed), [x]));
    const failure = report.failures[0];
    expect(failure.kind).toBe('mismatch');
    if (failure.kind !== 'mismatch') return;
    expect(failure.allowed).toBeCloseTo(allowed, 12);
    expect(failure.absoluteError).toBeCloseTo(1.05 * allowed, 8);
    expect(report.tolerance).toEqual({ eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
  });
  it('uses the tolerances it is given', async () => {
    expect(E.isRight(await checkGrad(scaledBy(0.02), [x], { rtol: 1e-2 }))).toBe(true);
    expect(E.isLeft(await checkGrad(scaledBy(2e-6), [x], { rtol: 0, atol: 1e-6 }))).toBe(true);
    expect(E.isLeft(await checkVjp(scaledBy(0.02), [x], { rtol: 1e-3 }))).toBe(true);
  });
  it('refuses tolerances that cannot work', async () => {
    await expect(checkVjp(tanh, [x], { eps: 0 })).rejects.toThrow('checkVjp: expected eps > 0');
    await expect(checkVjp(tanh, [x], { atol: -1 })).rejects.toThrow('checkVjp: expected atol to be a finite number >= 0, got -1');
    await expect(checkVjp(tanh, [x], { probes: 0 })).rejects.toThrow('checkVjp: expected probes to be an integer >= 1, got 0');
  });
});

describe('reports name the worst element by its parameter path', () => {
  const params = { lin_1: { weight: tensor(reference, values(80, 1), [4, 20]), bias: tensor(reference, values(4, 2), [4]) } };
  const x = tensor(reference, values(60, 3).map((v) => 0.1 * v), [3, 20]);
  const leak = leakAt(4, 20, [3, 17], 0.5);
  const loss = (p: typeof params, input: Tensor) => sum(tanh(linear(input, leak(p.lin_1.weight), p.lin_1.bias)));

  it('checkGradTree: lin_1.weight[3, 17], analytic vs numeric, errors and the failed tolerance', async () => {
    const report = leftOf(await checkGradTree(loss, { elementsPerLeaf: 'all' })(params, x));
    const worst = report.failures[0];
    expect(worst).toMatchObject({ kind: 'mismatch', check: 'element', path: 'lin_1.weight', index: [3, 17] });
    if (worst.kind !== 'mismatch') return;
    expect(worst.analytic - worst.numeric).toBeCloseTo(0.5, 6);
    expect(Math.abs(worst.numeric)).toBeGreaterThan(1e-3);
    expect(worst.relativeError).toBe(worst.absoluteError / Math.abs(worst.numeric));
    // Only that entry (and its leaf's directional check) fail; the bias is fine.
    expect(report.failures.filter((f) => f.kind === 'mismatch' && f.check === 'element')).toHaveLength(1);
    expect(report.failures.every((f) => f.path === 'lin_1.weight')).toBe(true);
    const text = formatReport(report);
    expect(text).toContain('gradient mismatch at lin_1.weight[3, 17]');
    expect(text).toMatch(/analytic \(vjp\)\s+-?\d/);
    expect(text).toMatch(/numeric \(central\)\s+-?\d/);
    expect(text).toContain('absolute error');
    expect(text).toContain('relative error');
    expect(text).toContain('= atol 1e-5 + rtol 0.001 × |numeric|');
  });
  it('checkVjp: localises a failing leaf to the same element, prefixed by the argument name', async () => {
    const report = leftOf(await checkVjp((p: typeof params, input: Tensor) => tanh(linear(input, leak(p.lin_1.weight), p.lin_1.bias)), [params, x], { names: ['params', 'x'] }));
    expect(report.failures[0]).toMatchObject({ kind: 'mismatch', check: 'element', path: 'params.lin_1.weight', index: [3, 17] });
  });
  it('checkGrad: names the output element too', async () => {
    const small = tensor(reference, values(6, 4), [2, 3]);
    const report = leftOf(await checkGrad((w: Tensor) => tanh(leakAt(2, 3, [1, 2], 0.25)(w)), [small], { names: ['w'] }));
    // The leak adds to every row of the Jacobian at column w[1, 2]: all six entries fail, nothing else.
    expect(report.failures).toHaveLength(6);
    expect(report.failures.every((f) => f.path === 'w' && f.index?.join() === '1,2')).toBe(true);
    expect(formatReport(report)).toMatch(/gradient mismatch at w\[1, 2\] of output\[\d, \d\]/);
  });
  it('assert wrappers throw a GradientCheckError carrying the report', async () => {
    const error = await assertGradTree(loss)(params, x).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(GradientCheckError);
    expect((error as GradientCheckError).report.failures[0]).toMatchObject({ path: 'lin_1.weight', index: [3, 17] });
    expect((error as Error).message).toMatch(/^checkGradTree: \d+ of \d+ checks failed/);
  });
});

describe('side effects and misuse are reported, not answered wrongly', () => {
  const x = tensor(reference, [0.3, -0.8, 1.1], [3]);
  it('a function that writes into its input during the forward pass', async () => {
    const writesInput = (t: Tensor) => {
      (t.buffer as unknown as Float64Array)[1] = 9;
      return tanh(t);
    };
    const report = leftOf(await checkVjp(writesInput, [tensor(reference, [0.3, -0.8, 1.1], [3])], { names: ['x'] }));
    expect(report.failures[0]).toMatchObject({ kind: 'mutation', what: 'input', path: 'x', index: [1], during: 'the forward pass', before: -0.8, after: 9 });
  });
  it('non-finite values (log at 0) are named as such', async () => {
    const report = leftOf(await checkVjp(log, [tensor(reference, [1, 0], [2])]));
    expect(report.failures[0].kind).toBe('notFinite');
    expect(formatReport(report)).toContain('sample inputs away from singularities');
  });
  it('a constant captured on another backend gets an explanation', async () => {
    const onCpu = tensor(cpuBackend(), [1, 2, 3], [3]);
    await expect(checkVjp((t: Tensor) => mul(t, onCpu), [x])).rejects.toThrow(/tensors that the function captures .* must live on that backend too/);
  });
  it('arguments on a float32 backend are checked in float64; a float32 check backend is refused', async () => {
    const result = await checkVjp(tanh, [tensor(cpuBackend(), [0.3, -0.8], [2])]);
    expect(E.isRight(result) && result.right.backend).toContain('float64');
    await expect(checkVjp(tanh, [x], { backend: cpuBackend() })).rejects.toThrow('checkVjp: expected a float64 backend for central differences, got cpu (float32');
  });
  it('checkGrad refuses Jacobians too large for it; checkGradTree refuses vector losses', async () => {
    const big = tensor(reference, values(300, 5), [300]);
    await expect(checkGrad(tanh, [big])).rejects.toThrow('checkGrad: expected a Jacobian of at most 65536 entries, got 300 outputs × 300 inputs; use checkVjp');
    await expect(checkGradTree((p: { w: Tensor }) => tanh(p.w))({ w: x })).rejects.toThrow('checkGradTree: expected the loss to return one value (shape [] or [1]), got shape [3]');
  });
  it('checkNoMutation runs on float32 too, and catches a VJP writing into its cotangent there', async () => {
    const cpu = cpuBackend();
    const rule = wrongRules.find((r) => r.caughtAs === 'mutation' && r.name.includes('cotangent'));
    expect(rule).toBeDefined();
    const report = leftOf(await checkNoMutation(rule!.make(), [tensor(cpu, [0.5, -0.25], [2])]));
    expect(report.failures[0]).toMatchObject({ kind: 'mutation', what: 'cotangent', index: [0] });
    expect(report.backend).toContain('float32');
  });
  it('checkAgreement catches a kernel that is wrong in one element', async () => {
    const cpu = cpuBackend();
    const buggy: Backend = {
      ...cpu,
      description: 'cpu with an off-by-one matmul',
      matmul: (a, b, spec, epilogue) => {
        const out = cpu.matmul(a, b, spec, epilogue) as unknown as Float32Array;
        out[out.length - 1] += 0.5; // the kernel's edge case writes one wrong value into its own result
        return out as unknown as ReturnType<Backend['matmul']>;
      },
    };
    const a = tensor(reference, values(35, 6), [5, 7]);
    const b = tensor(reference, values(21, 7), [7, 3]);
    expect(E.isRight(await checkAgreement((p: Tensor, q: Tensor) => matmul(p, q), [a, b], { backend: cpu }))).toBe(true);
    const report = leftOf(await checkAgreement((p: Tensor, q: Tensor) => matmul(p, q), [a, b], { backend: buggy, output: { frobenius: 1e-5, elementwise: 1e-5 } }));
    expect(report.failures).toContainEqual(expect.objectContaining({ kind: 'disagreement', what: 'output', metric: 'elementwise', index: [4, 2] }));
  });
});

describe('under fast-check: the seed and path to replay, and our report', () => {
  const signFlip = wrongRules[0];
  const property = fc.asyncProperty(tensorArb(reference, shapeArb({ minRank: 1, maxRank: 2, maxDim: 4 })), keyArb(), async (t, k) => {
    await assertVjp(signFlip.make(), [t], { key: k, names: ['x'] });
  });
  const failureOf = async (env: Record<string, string>): Promise<PropertyFailedError> => {
    const error = await fc.assert(property, propertyParameters(propertyRunConfig(env))).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PropertyFailedError);
    return error as PropertyFailedError;
  };
  const counterexample = (message: string) => message.split('\n').find((line) => line.startsWith('Counterexample:'));

  it('prints seed, path, counterexample, the check report and the replay line; replaying gives the same counterexample', async () => {
    const failure = await failureOf({});
    const { message } = failure;
    expect(message).toMatch(new RegExp(`\\{ seed: ${failure.seed}, path: "${failure.path}"`));
    expect(counterexample(message)).toMatch(/^Counterexample: \[tensor\(\[\d+(, \d+)?\], \[/);
    expect(message).toContain('checkVjp: ');
    expect(message).toMatch(/gradient mismatch at x(\[\d+(, \d+)?\])?/);
    expect(message).toContain(`Replay: PURENET_SEED=${failure.seed} PURENET_PATH=${failure.path}`);
    expect(failure.cause).toBeInstanceOf(GradientCheckError);

    const replayed = await failureOf({ PURENET_SEED: String(failure.seed), PURENET_PATH: failure.path ?? '' });
    expect(counterexample(replayed.message)).toBe(counterexample(message));
  });
});
