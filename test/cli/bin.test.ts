import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The compiled command, as package.json's "bin" names it (npm test builds first: "pretest").
const root = join(import.meta.dirname, '../..');
const bin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.purenet as string;
const purenet = (...args: string[]) => spawnSync(process.execPath, [join(root, bin), ...args], { encoding: 'utf8' });
const noStackTrace = (text: string): void => expect(text).not.toMatch(/\bat .*\.js:\d+/);

describe('the purenet executable', () => {
  it('is the compiled src/cli/main.ts with a node shebang', () => {
    expect(bin).toBe('dist/src/cli/main.js');
    expect(readFileSync(join(root, bin), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('exits 0 with help, 2 with one line on a usage error, 1 with one line on a runtime error', () => {
    const help = purenet('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: purenet <command>/);

    const usage = purenet('train', 'mnist', '--epochs', '-1');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^purenet train mnist: invalid options: --epochs: cannot decode -1, should be an integer in \[0, ∞\]\n$/);
    expect(usage.stdout).toBe('');

    const runtime = purenet('train', 'mnist', '--data', join(root, 'no-such-folder'));
    expect(runtime.status).toBe(1);
    expect(runtime.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(runtime.stderr).toMatch(/^purenet train mnist: .*no-such-folder/);
    noStackTrace(runtime.stderr);
  });

  it('trains MNIST on a few hundred images and writes JSON Lines that parse', () => {
    const run = purenet('train', 'mnist', '--train-size', '500', '--test-size', '200', '--epochs', '2', '--batch-size', '50', '--json');
    expect(run.status, run.stderr).toBe(0);
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { epoch: number; epochs: number; loss: number; testAccuracy: number });
    expect(records.map((r) => [r.epoch, r.epochs])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(records[1].loss).toBeLessThan(records[0].loss);
    expect(records[1].testAccuracy).toBeGreaterThan(0.5);
    expect(run.stderr).toMatch(/^backend: cpu/);
  }, 60_000);

  it('trains on the gpu.js backend in its cpu mode and reports the backend and mode', () => {
    const run = purenet('train', 'mnist', '--backend', 'gpujs', '--mode', 'cpu', '--train-size', '256', '--test-size', '100', '--epochs', '1', '--json');
    expect(run.status, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout) as { epoch: number; samples: number; testAccuracy: number };
    expect([record.epoch, record.samples]).toEqual([0, 256]);
    expect(run.stderr.split('\n')[0]).toBe('backend: gpujs (cpu, float32)');
  }, 60_000);
});
