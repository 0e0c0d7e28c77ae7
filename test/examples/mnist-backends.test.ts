/**
 * The MNIST example on each backend and with --plots: gpu.js in its cpu mode trains the same
 * model as the cpu backend (float32 both, so the numbers agree closely), the chosen backend is
 * printed, a gpu.js mode that cannot run is one line and exit code 1, and the pictures are
 * valid PNG and SVG files of the sizes the plot module promises.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistFigures } from '../../examples/mnist/figures.js';
import { defaults, type MnistOptions } from '../../examples/mnist/options.js';
import { runMnist } from '../../examples/mnist/run.js';
import { digitGridSize } from '../../src/plot/index.js';
import { decodePng, parseSvg } from '../unit/plot/support.js';

// The compiled example (npm test builds first: see "pretest" in package.json).
const main = join(import.meta.dirname, '../../dist/examples/mnist/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'purenet-mnist-backends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny: MnistOptions = { ...defaults, epochs: 1, trainSize: 256, testSize: 100, batchSize: 64 };
const quiet = () => undefined;

describe('examples/mnist backends', () => {
  it('gpu.js in cpu mode trains the same model as the cpu backend, and says so', async () => {
    const lines: string[] = [];
    const gpu = await runMnist({ ...tiny, backend: 'gpujs', mode: 'cpu' }, (line) => lines.push(line));
    const cpu = await runMnist({ ...tiny, threads: 1 }, quiet);
    expect(lines[0]).toBe('backend: gpujs (cpu, float32)');
    expect(gpu.backend).toBe('gpujs (cpu, float32)');
    expect(cpu.backend).toMatch(/^cpu \(float32, .*, 1 thread\)$/);
    expect(gpu.initial.testLoss).toBeCloseTo(cpu.initial.testLoss, 4);
    expect(gpu.epochs[0].loss).toBeCloseTo(cpu.epochs[0].loss, 3);
    expect(gpu.epochs[0].testLoss).toBeCloseTo(cpu.epochs[0].testLoss, 3);
    expect(gpu.epochs[0].testLoss).toBeLessThan(gpu.initial.testLoss - 0.1);
  }, 60_000);

  it('a gpu.js mode that cannot run here exits 1 with the reason in one line, before any training', () => {
    // webgl2 needs a browser: it cannot start in Node on any machine.
    const result = run('--backend', 'gpujs', '--mode', 'webgl2', '--train-size', '256');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mnist: gpujsBackend\(webgl2\): gpu\.js mode webgl2 cannot run here: webgl2 needs a browser[^\n]*\n$/);
  }, 30_000);

  it('--mode without --backend gpujs is a usage error (exit 2)', () => {
    const result = run('--mode', 'cpu');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('mnist: --mode cpu needs --backend gpujs (the backend is cpu); drop --mode or add --backend gpujs\n');
  }, 30_000);
});

describe('examples/mnist --plots', () => {
  it('writes the curves and the 5 × 5 digit grid as valid SVG and PNG, on the gpujs backend from the command line', () => {
    const plots = join(dir, 'plots');
    const result = run('--backend', 'gpujs', '--mode', 'cpu', '--train-size', '256', '--test-size', '100', '--epochs', '2', '--batch-size', '64', '--plots', plots);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('backend: gpujs (cpu, float32)');
    expect(lines.filter((line) => line.startsWith('epoch:['))).toHaveLength(2);
    expect(lines.at(-1)).toBe(`plots: wrote ${['mnist-curves.svg', 'mnist-curves.png', 'mnist-digits.svg', 'mnist-digits.png'].map((f) => join(plots, f)).join(', ')}`);
    const grid = digitGridSize({});
    for (const [name, size] of [
      ['mnist-curves', [1120, 414]],
      ['mnist-digits', [grid.width, grid.height]],
    ] as const) {
      const svg = parseSvg(readFileSync(join(plots, `${name}.svg`), 'utf8'));
      const png = decodePng(readFileSync(join(plots, `${name}.png`)));
      expect([svg.width, svg.height]).toEqual(size);
      expect([png.width, png.height]).toEqual(size);
    }
    const digits = readFileSync(join(plots, 'mnist-digits.svg'), 'utf8');
    expect(digits.match(/Pred:\d, Label:\d/g)).toHaveLength(25);
    // The first test digit is a 7; the curves have the points before training and after each epoch.
    expect(digits).toMatch(/Pred:\d, Label:7/);
    expect(readFileSync(join(plots, 'mnist-curves.svg'), 'utf8')).toContain('gpujs cpu');
  }, 60_000);

  it('a small test set makes a smaller grid; no epochs, no curves', async () => {
    const report = await runMnist({ ...tiny, epochs: 0, testSize: 7 }, quiet);
    expect(report.preview.labels).toEqual([7, 2, 1, 0, 4, 1, 4]);
    const figures = mnistFigures(report);
    expect(figures.map((f) => f.name)).toEqual(['mnist-digits']);
    const svg = parseSvg(figures[0].svg);
    const size = digitGridSize({ rows: 1, cols: 5 });
    expect([svg.width, svg.height]).toEqual([size.width, size.height]);
  }, 30_000);
});
