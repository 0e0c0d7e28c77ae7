import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { key, referenceBackend, tensor, toArray } from '../../src/index.js';
import { glu } from '../../examples/custom-layer/glu.js';
import { defaults, parseCustomLayerArgs } from '../../examples/custom-layer/options.js';
import { runCustomLayer, type CustomLayerReport } from '../../examples/custom-layer/run.js';

describe('examples/custom-layer', () => {
  const lines: string[] = [];
  let report: Promise<CustomLayerReport> | undefined;
  const run = (): Promise<CustomLayerReport> => (report ??= runCustomLayer({ ...defaults, runs: 6, steps: 200 }, (line) => lines.push(line)));

  it('certifies the correct rules: swish (checkVjp) and glu + mse (checkGradTree)', async () => {
    const r = await run();
    for (const outcome of [r.activation, r.glu]) {
      expect(outcome._tag, outcome._tag === 'fail' ? outcome.text : '').toBe('pass');
      if (outcome._tag !== 'pass') continue;
      expect(outcome.runs).toBe(6);
      expect(outcome.comparisons).toBeGreaterThan(0);
      expect(outcome.worstRatio).toBeLessThan(1);
    }
    // 4 leaves × (12 or 3 entries + 1 directional) per draw: every entry of every leaf compared.
    expect(r.glu._tag === 'pass' && r.glu.comparisons).toBe(6 * 34);
  }, 20_000);

  it('catches the deliberately wrong rule with a report naming the worst element', async () => {
    const r = await run();
    expect(r.wrongRule._tag).toBe('fail');
    if (r.wrongRule._tag !== 'fail') return;
    const worst = r.wrongRule.report?.failures[0];
    expect(worst?.kind).toBe('mismatch');
    if (worst?.kind !== 'mismatch') return;
    expect(worst.path).toBe('x');
    expect(worst.index).toHaveLength(2);
    // The rule drops the factor x: σ(2 − σ) vs σ(1 + x(1 − σ)); at the shrunk x = 0 that is 3/4 vs 1/2.
    expect(Math.abs(worst.analytic - worst.numeric)).toBeGreaterThan(worst.allowed);
    expect(r.wrongRule.text).toContain(`gradient mismatch at x[${worst.index?.join(', ')}]`);
    expect(r.wrongRule.text).toMatch(/analytic \(vjp\)[\s\S]*numeric \(central\)[\s\S]*allowed .* = atol 1e-5 \+ rtol 0\.001/);
    expect(lines.join('\n')).toContain('THIS FAILURE IS INTENDED');
    expect(r.ok).toBe(true);
  }, 20_000);

  it('trains glu: the loss falls well below predicting the mean', async () => {
    const { losses, baseline } = (await run()).training;
    expect(losses).toHaveLength(201);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * baseline);
  }, 20_000);

  it('glu computes (x Wᵀ + b) ⊙ σ(x Vᵀ + c) from an explicit key, and names bad input', async () => {
    const reference = referenceBackend();
    const layer = glu(2, 1);
    const p = layer.init(key(3), reference);
    expect(p.value.weight.shape).toEqual([1, 2]);
    expect(p.gate.bias.shape).toEqual([1]);
    expect(await toArray(layer.init(key(3), reference).value.weight)).toEqual(await toArray(p.value.weight));
    const [w, b, v, c] = await Promise.all([p.value.weight, p.value.bias, p.gate.weight, p.gate.bias].map((t) => toArray(t)));
    const [y] = await toArray(layer.apply(p, tensor(reference, [0.5, -1.5], [1, 2])));
    const expected = (0.5 * w[0] - 1.5 * w[1] + b[0]) / (1 + Math.exp(-(0.5 * v[0] - 1.5 * v[1] + c[0])));
    expect(y).toBeCloseTo(expected, 12);
    expect(() => layer.apply(p, tensor(reference, [1, 2, 3], [1, 3]))).toThrow('glu(2 → 1): expected x of shape [N, 2], got [1, 3]');
  });

  it('parses flags: defaults, help, and usage errors', () => {
    expect(parseCustomLayerArgs([])).toEqual(E.right({ _tag: 'run', options: defaults }));
    expect(parseCustomLayerArgs(['--runs', '3', '--backend=reference'])).toEqual(E.right({ _tag: 'run', options: { ...defaults, runs: 3, backend: 'reference' } }));
    expect(parseCustomLayerArgs(['--help'])).toEqual(E.right({ _tag: 'help' }));
    expect(E.isLeft(parseCustomLayerArgs(['--runs', '0']))).toBe(true);
    expect(E.isLeft(parseCustomLayerArgs(['--nope']))).toBe(true);
  });
});
