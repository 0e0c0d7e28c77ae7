import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { leastSquares, lineData, lineHessianMax } from '../../examples/regression/data.js';
import { defaults, parseRegressionArgs } from '../../examples/regression/options.js';
import { runRegression } from '../../examples/regression/run.js';
import { key } from '../../src/core/index.js';
import { decodePng, parseSvg } from '../unit/plot/support.js';

// The compiled example (npm test builds first: see "pretest" in package.json).
const main = join(import.meta.dirname, '../../dist/examples/regression/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const small = { ...defaults, samples: 100, steps: 60, mlpSamples: 300, mlpEpochs: 15 };

describe('examples/regression', () => {
  it('recovers w and b by gradient descent, sees the large step diverge, fits the MLP, and draws it all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'purenet-regression-'));
    dirs.push(dir);
    const lines: string[] = [];
    const report = await runRegression({ ...small, plots: dir }, (line) => lines.push(line));

    // 1. The line: within noise of the truth (σ 0.5, 100 points: standard errors ≈ 0.04 and 0.05) and at the least-squares optimum.
    expect(Math.abs(report.line.w - 3)).toBeLessThan(0.25);
    expect(Math.abs(report.line.b - 2)).toBeLessThan(0.25);
    expect(Math.abs(report.line.w - report.line.leastSquares.w)).toBeLessThan(1e-3);
    expect(Math.abs(report.line.b - report.line.leastSquares.b)).toBeLessThan(1e-3);
    expect(report.line.divergence).toBeUndefined();
    expect(report.line.losses.at(-1)).toBeLessThan(report.line.losses[0] / 10);
    expect(lines).toContain(`   learned:       w = ${report.line.w.toFixed(4)}   b = ${report.line.b.toFixed(4)}`);

    // 2. lr 1 is above 2/λmax (≈ 0.75 for x ~ U(-2, 2)): the loss grows by orders of magnitude and the run says so.
    expect(report.criticalLr).toBeGreaterThan(0.6);
    expect(report.criticalLr).toBeLessThan(0.9);
    expect(report.diverging.divergence).toBeDefined();
    expect(report.diverging.losses.at(-1)).toBeGreaterThan(1e6 * report.diverging.losses[0]);
    expect(lines.some((l) => /^ {3}DIVERGED: the loss grew from \d+\.\d{4} to .* in 60 steps/.test(l))).toBe(true);

    // 3. The MLP beats predicting the mean by far, and its loss curve falls.
    expect(report.mlp.epochs).toHaveLength(15);
    expect(report.mlp.testMse).toBeLessThan(report.mlp.baselineMse / 8);
    expect(report.mlp.r2[0]).toBeGreaterThan(0.85);
    expect(report.mlp.r2[1]).toBeGreaterThan(0.7);
    expect(report.mlp.epochs.at(-1)?.trainLoss).toBeLessThan(report.mlp.epochs[0].trainLoss / 5);
    expect(lines.some((l) => /^ {3}train MSE per epoch \(log scale\): [▁▂▃▄▅▆▇█]{15}$/.test(l))).toBe(true);

    // The pictures: each a valid SVG and a PNG of the same size.
    const sizes: Record<string, [number, number]> = {
      'regression-line': [720, 460],
      'regression-step-size': [720, 460],
      'regression-mlp-loss': [560, 414],
      'regression-mlp-fit': [920, 474],
    };
    expect(report.plots?.paths).toHaveLength(8);
    for (const [name, size] of Object.entries(sizes)) {
      const svg = parseSvg(readFileSync(join(dir, `${name}.svg`), 'utf8'));
      const png = decodePng(readFileSync(join(dir, `${name}.png`)));
      expect([svg.width, svg.height], name).toEqual(size);
      expect([png.width, png.height], name).toEqual(size);
    }
    expect(report.plots?.warning).toBeUndefined();
  }, 60_000);

  it('the critical step size is 2/λmax of the Hessian: GD just below it converges, just above it diverges', async () => {
    const data = lineData(key(5), 50);
    const critical = 2 / lineHessianMax(data.x);
    const { fitLine } = await import('../../examples/regression/line.js');
    const { cpuBackend } = await import('../../src/core/index.js');
    const below = await fitLine(data, { lr: 0.9 * critical, steps: 300, key: key(1), backend: cpuBackend() });
    const above = await fitLine(data, { lr: 1.1 * critical, steps: 300, key: key(1), backend: cpuBackend() });
    const ols = leastSquares(data.x, data.y);
    expect(below.divergence).toBeUndefined();
    expect(Math.abs(below.w - ols.w)).toBeLessThan(1e-3);
    expect(above.divergence).toBeDefined();
  }, 30_000);

  it('parses every flag and refuses bad ones', () => {
    const parsed = parseRegressionArgs(['--seed', '3', '--samples', '50', '--steps', '10', '--lr', '0.05', '--diverge-lr=2', '--mlp-samples', '80', '--mlp-epochs', '2', '--mlp-lr', '0.02', '--batch-size', '16', '--backend', 'reference', '--plots', 'out']);
    expect(parsed).toEqual(
      E.right({ _tag: 'run', options: { seed: 3, samples: 50, steps: 10, lr: 0.05, divergeLr: 2, mlpSamples: 80, mlpEpochs: 2, mlpLr: 0.02, batchSize: 16, backend: 'reference', plots: 'out' } }),
    );
    expect(parseRegressionArgs([])).toEqual(E.right({ _tag: 'run', options: defaults }));
    expect(parseRegressionArgs(['--help'])).toEqual(E.right({ _tag: 'help' }));
    for (const argv of [['--samples', '1'], ['--lr', '0'], ['--backend', 'gpu'], ['--wat'], ['--plots']]) expect(E.isLeft(parseRegressionArgs(argv)), argv.join(' ')).toBe(true);
  });

  it('from the command line: help exits 0, a bad flag 2 and an unwritable plots folder 1, each with one line; a run that overflows says so', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run example:regression -- \[options\][\s\S]*--diverge-lr X[\s\S]*--plots DIR/);

    const bad = run('--samples', 'many');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('regression: invalid options: --samples: cannot decode "many", should be a finite number\n');

    const dir = mkdtempSync(join(tmpdir(), 'purenet-regression-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'file'), '');
    const tiny = ['--samples', '40', '--steps', '60', '--diverge-lr', '3', '--mlp-samples', '40', '--mlp-epochs', '1'];
    const unwritable = run(...tiny, '--plots', join(dir, 'file', 'plots'));
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toMatch(/^regression: cannot create the plots directory .*: ENOTDIR\n$/);

    const ok = run(...tiny);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/DIVERGED: the loss grew from \d+\.\d{4} to Infinity at step \d+; training stopped \(NonFiniteLossError\)/);
  }, 30_000);
});
