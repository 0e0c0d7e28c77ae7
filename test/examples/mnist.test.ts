import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { defaults, parseMnistArgs } from '../../examples/mnist/options.js';
import { runMnist, type EpochReport, type StepReport } from '../../examples/mnist/run.js';

// The compiled example (npm test builds first: see "pretest" in package.json).
const main = join(import.meta.dirname, '../../dist/examples/mnist/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

describe('examples/mnist', () => {
  it('learns: 5,000 training images, one epoch at batch 64, test accuracy > 0.85 from ~0.1; hooks see every step and the epoch', async () => {
    const lines: string[] = [];
    const steps: StepReport[] = [];
    const epochs: EpochReport[] = [];
    const report = await runMnist({ ...defaults, epochs: 1, batchSize: 64, trainSize: 5000, testSize: 1000 }, (line) => lines.push(line), {
      onStep: (step) => steps.push(step),
      onEpoch: (epoch) => {
        // Called as the epoch ends: before its line is logged.
        expect(lines.some((l) => l.startsWith('epoch:[0]'))).toBe(false);
        epochs.push(epoch);
      },
    });
    expect(report.parameters).toBe(203_530);
    expect(report.initialTestAccuracy).toBeGreaterThan(0.03);
    expect(report.initialTestAccuracy).toBeLessThan(0.25);
    expect(report.initial.testAccuracy).toBe(report.initialTestAccuracy);
    expect(report.epochs).toHaveLength(1);
    expect(report.epochs[0].testAccuracy).toBeGreaterThan(0.85);
    expect(report.epochs[0].testLoss).toBeLessThan(report.initial.testLoss);
    expect(lines.some((l) => /^epoch:\[0\] loss:\[\d\.\d{4}\] train_accr:\[0\.\d{4}\] test_accr:\[0\.\d{4}\] test_loss:\[\d\.\d{4}\]/.test(l))).toBe(true);

    // One step per batch, in order, covering every example once; their weighted mean is the epoch's loss.
    expect(steps.map((s) => s.batchIndex)).toEqual(Array.from({ length: 79 }, (_, i) => i));
    expect(steps.every((s) => s.epoch === 0 && s.batches === 79 && Number.isFinite(s.loss))).toBe(true);
    expect(steps.reduce((n, s) => n + s.size, 0)).toBe(5000);
    expect(steps.reduce((sum, s) => sum + s.loss * s.size, 0) / 5000).toBe(report.epochs[0].loss);
    expect(epochs).toEqual(report.epochs);
    // The report survives JSON (it is what tools read).
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);

    // The preview: the first 25 test images as the final parameters see them.
    const { preview } = report;
    expect(preview.images).toHaveLength(25 * 784);
    expect(preview.labels.slice(0, 5)).toEqual([7, 2, 1, 0, 4]);
    expect(preview.predictions.filter((k, i) => k === preview.labels[i]).length).toBeGreaterThan(18);
    expect(preview.confidences.every((p) => p > 0.1 && p <= 1)).toBe(true);
  }, 60_000);

  it('parses the lecture defaults and every flag', () => {
    const parsed = parseMnistArgs(['--epochs', '3', '--batch-size=64', '--lr', '0.01', '--hidden', '128', '--seed', '7', '--backend', 'reference', '--data', '/x', '--train-size', '100', '--test-size', '50', '--plots', 'out']);
    expect(parsed).toEqual(E.right({ _tag: 'run', options: { epochs: 3, batchSize: 64, lr: 0.01, hidden: 128, seed: 7, backend: 'reference', data: '/x', trainSize: 100, testSize: 50, plots: 'out' } }));
    expect(parseMnistArgs([])).toEqual(E.right({ _tag: 'run', options: defaults }));
    // gpujs always has a mode ('auto' unless given); --threads is the cpu backend's.
    expect(parseMnistArgs(['--backend', 'gpujs'])).toEqual(E.right({ _tag: 'run', options: { ...defaults, backend: 'gpujs', mode: 'auto' } }));
    expect(parseMnistArgs(['--backend', 'gpujs', '--mode', 'webasm'])).toEqual(E.right({ _tag: 'run', options: { ...defaults, backend: 'gpujs', mode: 'webasm' } }));
    expect(parseMnistArgs(['--threads', '2'])).toEqual(E.right({ _tag: 'run', options: { ...defaults, threads: 2 } }));
  });

  it.each([
    [['--epochs', 'ten'], /epochs[\s\S]*a finite number/],
    [['--batch-size', '0'], /batch-size[\s\S]*an integer in \[1/],
    [['--lr', '-1'], /lr[\s\S]*a positive number/],
    [['--backend', 'tpu'], /backend[\s\S]*one of cpu \| reference \| gpujs/],
    [['--mode', 'webgpu'], /^--mode webgpu needs --backend gpujs \(the backend is cpu\)/],
    [['--backend', 'gpujs', '--mode', 'vulkan'], /mode[\s\S]*one of auto \| webgpu \| webgl2 \| webgl \| headlessgl \| webasm \| cpu/],
    [['--backend', 'reference', '--threads', '2'], /^--threads 2 needs --backend cpu/],
    [['--plots='], /plots[\s\S]*a non-empty path/],
    [['--nope'], /unknown flag --nope/],
    [['--epochs'], /--epochs expects a value/],
    [['stray'], /unexpected argument 'stray'/],
  ])('refuses %j with a usage error', (argv, message) => {
    const parsed = parseMnistArgs(argv);
    expect(E.isLeft(parsed)).toBe(true);
    if (E.isLeft(parsed)) expect(parsed.left.message).toMatch(message);
  });

  it('exits 0 with help, 2 on a bad flag, 1 on a missing or malformed data folder, without a stack trace', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--batch-size N/);

    const bad = run('--epochs', '-1');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^mnist: invalid options/);
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);

    const dir = mkdtempSync(join(tmpdir(), 'purenet-mnist-'));
    try {
      const missing = run('--data', join(dir, 'nowhere'));
      expect(missing.status).toBe(1);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
        writeFileSync(join(dir, name), Buffer.from([0, 0, 8, 1, 0, 0, 0, 9, 1, 2]));
      }
      const malformed = run('--data', dir);
      expect(malformed.status).toBe(1);
      expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
      expect(malformed.stderr).toMatch(/Truncated|CountMismatch|BadShape/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
