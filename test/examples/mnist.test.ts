import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { defaults, parseMnistArgs } from '../../examples/mnist/options.js';
import { runMnist } from '../../examples/mnist/run.js';

// The compiled example (npm test builds first: see "pretest" in package.json).
const main = join(import.meta.dirname, '../../dist/examples/mnist/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

describe('examples/mnist', () => {
  it('learns: 5,000 training images, one epoch at batch 64, test accuracy > 0.85 from ~0.1', async () => {
    const lines: string[] = [];
    const report = await runMnist({ ...defaults, epochs: 1, batchSize: 64, trainSize: 5000, testSize: 1000 }, (line) => lines.push(line));
    expect(report.parameters).toBe(203_530);
    expect(report.initialTestAccuracy).toBeGreaterThan(0.03);
    expect(report.initialTestAccuracy).toBeLessThan(0.25);
    expect(report.epochs).toHaveLength(1);
    expect(report.epochs[0].testAccuracy).toBeGreaterThan(0.85);
    expect(lines.some((l) => /^epoch:\[0\] loss:\[\d\.\d{4}\] train_accr:\[0\.\d{4}\] test_accr:\[0\.\d{4}\]/.test(l))).toBe(true);
  }, 60_000);

  it('parses the lecture defaults and every flag', () => {
    const parsed = parseMnistArgs(['--epochs', '3', '--batch-size=64', '--lr', '0.01', '--hidden', '128', '--seed', '7', '--backend', 'reference', '--data', '/x', '--train-size', '100', '--test-size', '50']);
    expect(parsed).toEqual(E.right({ _tag: 'run', options: { epochs: 3, batchSize: 64, lr: 0.01, hidden: 128, seed: 7, backend: 'reference', data: '/x', trainSize: 100, testSize: 50 } }));
    expect(parseMnistArgs([])).toEqual(E.right({ _tag: 'run', options: defaults }));
  });

  it.each([
    [['--epochs', 'ten'], /epochs[\s\S]*a finite number/],
    [['--batch-size', '0'], /batch-size[\s\S]*an integer in \[1/],
    [['--lr', '-1'], /lr[\s\S]*a positive number/],
    [['--backend', 'tpu'], /backend[\s\S]*one of cpu \| reference/],
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
