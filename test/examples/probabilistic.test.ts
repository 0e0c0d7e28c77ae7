import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { coverage, expectedCalibrationError, reliability, TWO_SIGMA_COVERAGE } from '../../examples/probabilistic/calibration.js';
import { defaults, parseProbabilisticArgs } from '../../examples/probabilistic/options.js';
import { runProbabilistic } from '../../examples/probabilistic/run.js';
import { decodePng, parseSvg } from '../unit/plot/support.js';

const main = join(import.meta.dirname, '../../dist/examples/probabilistic/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const small = { ...defaults, samples: 400, epochs: 150, batchSize: 50, bernoulliSamples: 400, bernoulliEpochs: 40 };

describe('calibration numbers', () => {
  it('coverage counts |y − μ| ≤ kσ; the ±2σ coverage of a normal is 0.9545', () => {
    expect(coverage([0, 1, 3, -2.5], [0, 0, 0, 0], [1, 1, 1, 1])).toBe(0.5);
    expect(coverage([1.5], [0], [1], 1)).toBe(0);
    expect(TWO_SIGMA_COVERAGE).toBeCloseTo(0.9545, 4);
  });

  it('reliability bins predictions and compares with the observed frequency; ECE weighs the gaps', () => {
    const table = reliability([0.05, 0.05, 0.95, 0.95, 1], [0, 1, 1, 1, 1], 10);
    expect(table[0]).toEqual({ lower: 0, upper: 0.1, count: 2, predicted: 0.05, observed: 0.5 });
    expect(table[9].count).toBe(3); // 1.0 falls in the last bin
    expect(table[5].count).toBe(0);
    expect(expectedCalibrationError(table)).toBeCloseTo((2 / 5) * 0.45 + (3 / 5) * Math.abs(1 - (0.95 + 0.95 + 1) / 3), 12);
  });
});

describe('examples/probabilistic', () => {
  it('recovers the growing noise, is calibrated at ±2σ, and the Bernoulli model is accurate and calibrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'purenet-probabilistic-'));
    dirs.push(dir);
    const lines: string[] = [];
    const report = await runProbabilistic({ ...small, plots: dir }, (line) => lines.push(line));
    const g = report.gaussian;

    // Calibration: the fraction inside mean ± 2σ is near 0.954, overall and where the noise is small and large.
    expect(g.coverage).toBeGreaterThan(0.9);
    expect(g.coverage).toBeLessThan(0.99);
    for (const bin of g.coverageByX) {
      expect(bin.learned, `x in [${bin.lower}, ${bin.upper})`).toBeGreaterThan(0.86);
      expect(bin.learned).toBeLessThanOrEqual(1);
    }
    // A single σ for all x cannot be: far too wide at small x, too narrow at large x.
    expect(g.coverageByX[0].constant).toBeGreaterThan(0.99);
    expect(g.coverageByX[3].constant).toBeLessThan(0.9);

    // The noise profile: σ grows with x as the truth does (0.05 + 0.15x); 400 points pin each σ to within a few tens of %.
    for (const row of g.profile) expect(Math.abs(row.std - row.trueStd) / row.trueStd, `σ at x = ${row.x}`).toBeLessThan(0.5);
    expect(g.profile.at(-1)?.std).toBeGreaterThan(4 * (g.profile[0].std));
    expect(g.testNll).toBeLessThan(g.trueNll + 0.25);
    expect(lines.some((l) => /^ {3}calibration: \d+\.\d% of test targets lie inside the learned mean ± 2σ/.test(l))).toBe(true);

    // Bernoulli: close to the accuracy of the true probabilities, and calibrated.
    const b = report.bernoulli;
    expect(b.accuracy).toBeGreaterThan(b.bayesAccuracy - 0.05);
    expect(b.ece).toBeLessThan(0.08);
    expect(b.epochs.at(-1)?.testLoss).toBeLessThan(b.epochs[0].testLoss);
    expect(lines.some((l) => /^ {3}calibration: expected calibration error 0\.\d{4} over 10 bins/.test(l))).toBe(true);

    const sizes: Record<string, [number, number]> = {
      'gaussian-band': [760, 480],
      'gaussian-noise': [720, 440],
      'gaussian-nll': [560, 414],
      'bernoulli-curves': [1120, 414],
      'bernoulli-reliability': [620, 560],
    };
    for (const [name, size] of Object.entries(sizes)) {
      const svg = parseSvg(readFileSync(join(dir, `${name}.svg`), 'utf8'));
      const png = decodePng(readFileSync(join(dir, `${name}.png`)));
      expect([svg.width, svg.height], name).toEqual(size);
      expect([png.width, png.height], name).toEqual(size);
    }
  }, 60_000);

  it('parses every flag and refuses bad ones', () => {
    const parsed = parseProbabilisticArgs(['--seed', '1', '--samples', '50', '--epochs', '3', '--lr', '0.01', '--batch-size', '10', '--variance-head', 'softplus', '--bernoulli-samples', '60', '--bernoulli-epochs', '2', '--backend', 'reference', '--plots', 'p']);
    expect(parsed).toEqual(
      E.right({ _tag: 'run', options: { seed: 1, samples: 50, epochs: 3, lr: 0.01, batchSize: 10, varianceHead: 'softplus', bernoulliSamples: 60, bernoulliEpochs: 2, backend: 'reference', plots: 'p' } }),
    );
    expect(parseProbabilisticArgs([])).toEqual(E.right({ _tag: 'run', options: defaults }));
    for (const argv of [['--variance-head', 'relu'], ['--samples', '5'], ['--epochs', '0'], ['x']]) expect(E.isLeft(parseProbabilisticArgs(argv)), argv.join(' ')).toBe(true);
  });

  it('from the command line: help 0, bad flag 2 with one line, the softplus head runs', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--variance-head NAME +logvar \(σ² = exp\(s\)\) \| softplus/);

    const bad = run('--variance-head', 'relu');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('probabilistic: invalid options: --variance-head: cannot decode "relu", should be one of logvar | softplus\n');

    const softplus = run('--variance-head', 'softplus', '--samples', '100', '--epochs', '5', '--bernoulli-samples', '50', '--bernoulli-epochs', '1');
    expect(softplus.status, softplus.stderr).toBe(0);
    expect(softplus.stdout).toContain('softplus head σ² = softplus(s) + 1e-6, loss gaussianNll');
    expect(softplus.stdout).toMatch(/calibration: \d+\.\d% of test targets/);
  }, 30_000);
});
