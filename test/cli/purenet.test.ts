import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagSpecs, parseMnistArgs, type MnistOptions } from '../../examples/mnist/options.js';
import { MnistRunError, type MnistReport } from '../../examples/mnist/run.js';
import type { BenchDeps } from '../../src/cli/bench.js';
import { defaultDeps, runPurenet, type PurenetDeps } from '../../src/cli/purenet.js';
import type { RunMnist } from '../../src/cli/train-mnist.js';
import { decodePng, parseSvg } from '../unit/plot/support.js';
import { fakeIo } from './support.js';

const report: MnistReport = {
  backend: 'cpu (fake)',
  parameters: 203_530,
  initialTestAccuracy: 0.1,
  epochs: [
    { epoch: 0, loss: 0.6, trainAccuracy: 0.9, testAccuracy: 0.89, trainSeconds: 2, evalSeconds: 0.5 },
    { epoch: 1, loss: 0.3, trainAccuracy: 0.94, testAccuracy: 0.93, trainSeconds: 2, evalSeconds: 0.5 },
  ],
};

/** A runMnist that logs like the real one, records the options it got, and returns `report`. */
const fakeRun = (calls: MnistOptions[], behaviour: 'ok' | 'data-error' | 'bug' = 'ok'): RunMnist => async (options, log) => {
  calls.push(options);
  log('backend: cpu (fake)');
  if (behaviour === 'data-error') throw new MnistRunError('NotFound: loadMnist(/nowhere): the directory does not exist');
  if (behaviour === 'bug') throw new TypeError('a bug');
  log('epoch:[0] loss:[0.6000] train_accr:[0.9000] test_accr:[0.8900]');
  log('epoch:[1] loss:[0.3000] train_accr:[0.9400] test_accr:[0.9300]');
  return report;
};

const deps = (runMnist: RunMnist, bench: Partial<BenchDeps> = {}): PurenetDeps => ({
  ...defaultDeps,
  mnist: { loadMnistExample: async () => ({ runMnist, parseMnistArgs, flagSpecs, isRuntimeError: (e) => e instanceof MnistRunError }) },
  bench: { ...defaultDeps.bench, ...bench },
  version: () => '9.9.9',
});

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'purenet-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('purenet: help and usage errors', () => {
  it.each([
    [['--help'], /^usage: purenet <command>/],
    [['help'], /commands:\n {2}train mnist/],
    [['train', '--help'], /^usage: purenet train <task>/],
    [['train', 'mnist', '--help'], /^usage: purenet train mnist \[options\][\s\S]*--batch-size N[\s\S]*--json[\s\S]*--plots DIR/],
    [['train', 'mnist', '--epochs', '3', '--help'], /^usage: purenet train mnist/],
    [['bench', '--help'], /^usage: purenet bench/],
    [['--version'], /^9\.9\.9\n$/],
  ])('%j prints help on stdout and exits 0', async (argv, text) => {
    const io = fakeIo();
    expect(await runPurenet(argv, io, deps(fakeRun([])))).toBe(0);
    expect(io.stdout.text()).toMatch(text);
    expect(io.stderr.text()).toBe('');
  });

  it.each([
    [[], /^purenet: expected a command \(train, bench\); see purenet --help$/],
    [['fly'], /^purenet: unknown command 'fly'/],
    [['train'], /^purenet train: expected a task \(mnist\)/],
    [['train', 'cifar'], /^purenet train cifar: unknown task 'cifar' \(tasks: mnist\)$/],
    [['train', 'mnist', '--epochs', 'ten'], /^purenet train mnist: invalid options: --epochs: cannot decode "ten", should be a finite number$/],
    [['train', 'mnist', '--lr', '-1', '--batch-size', '0'], /^purenet train mnist: invalid options: --batch-size: .*; --lr: .*a positive number$/],
    [['train', 'mnist', '--nope'], /^purenet train mnist: unknown flag --nope \(see --help\)$/],
    [['train', 'mnist', '--plots'], /^purenet train mnist: --plots expects a value \(DIR\)$/],
    [['train', 'mnist', '--json=yes'], /^purenet train mnist: --json is a switch and takes no value$/],
  ])('%j is a usage error: exit 2, one line on stderr, nothing run', async (argv, message) => {
    const calls: MnistOptions[] = [];
    const io = fakeIo();
    expect(await runPurenet(argv, io, deps(fakeRun(calls)))).toBe(2);
    expect(io.stderr.text()).toMatch(/^[^\n]*\n$/);
    expect(io.stderr.text().trimEnd()).toMatch(message);
    expect(calls).toHaveLength(0);
  });
});

describe('purenet train mnist', () => {
  it("passes the example's flags through and prints its lines, exit 0", async () => {
    const calls: MnistOptions[] = [];
    const io = fakeIo();
    expect(await runPurenet(['train', 'mnist', '--epochs', '2', '--batch-size=64', '--train-size', '300'], io, deps(fakeRun(calls)))).toBe(0);
    expect(calls[0]).toMatchObject({ epochs: 2, batchSize: 64, trainSize: 300, lr: 1e-3 });
    expect(io.stdout.text().split('\n')).toEqual(['backend: cpu (fake)', 'epoch:[0] loss:[0.6000] train_accr:[0.9000] test_accr:[0.8900]', 'epoch:[1] loss:[0.3000] train_accr:[0.9400] test_accr:[0.9300]', '']);
  });

  it('--json: stdout is JSON Lines, one object per epoch; the human lines go to stderr', async () => {
    const io = fakeIo({ tty: true });
    expect(await runPurenet(['train', 'mnist', '--json', '--epochs', '2'], io, deps(fakeRun([])))).toBe(0);
    const lines = io.stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { event: 'epoch', epoch: 0, epochs: 2, loss: 0.6, seconds: 2, trainAccuracy: 0.9, testAccuracy: 0.89, evalSeconds: 0.5 },
      { event: 'epoch', epoch: 1, epochs: 2, loss: 0.3, seconds: 2, trainAccuracy: 0.94, testAccuracy: 0.93, evalSeconds: 0.5 },
    ]);
    expect(io.stderr.text()).toContain('backend: cpu (fake)');
  });

  it('--plots DIR writes the loss and accuracy curves as a valid SVG and PNG', async () => {
    const dir = join(tempDir(), 'new', 'plots');
    const io = fakeIo();
    expect(await runPurenet(['train', 'mnist', '--plots', dir], io, deps(fakeRun([])))).toBe(0);
    const svg = parseSvg(readFileSync(join(dir, 'mnist-curves.svg'), 'utf8'));
    const png = decodePng(readFileSync(join(dir, 'mnist-curves.png')));
    expect([png.width, png.height]).toEqual([svg.width, svg.height]);
    expect([svg.width, svg.height]).toEqual([1120, 414]);
    expect(io.stdout.text()).toContain(`plots: wrote ${join(dir, 'mnist-curves.svg')}, ${join(dir, 'mnist-curves.png')}`);
  });

  it('a data error is a runtime error: exit 1, one line; an unwritable plots directory too', async () => {
    const io = fakeIo();
    expect(await runPurenet(['train', 'mnist', '--data', '/nowhere'], io, deps(fakeRun([], 'data-error')))).toBe(1);
    expect(io.stderr.text()).toBe('purenet train mnist: NotFound: loadMnist(/nowhere): the directory does not exist\n');

    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const io2 = fakeIo();
    expect(await runPurenet(['train', 'mnist', '--plots', join(file, 'plots')], io2, deps(fakeRun([])))).toBe(1);
    expect(io2.stderr.text()).toMatch(/^purenet train mnist: cannot create the plots directory .*a-file\/plots: ENOTDIR\n$/);
  });

  it('a bug is not swallowed into an exit code', async () => {
    await expect(runPurenet(['train', 'mnist'], fakeIo(), deps(fakeRun([], 'bug')))).rejects.toThrow(TypeError);
  });
});

describe('purenet bench', () => {
  it("runs the package's bench script in the package folder, passing arguments through, with its exit code", async () => {
    const calls: [string, readonly string[], string][] = [];
    const run = async (command: string, args: readonly string[], cwd: string) => {
      calls.push([command, args, cwd]);
      return 3;
    };
    const pkg = { root: '/pkg', version: '1', scripts: { bench: 'node bench.js' } };
    expect(await runPurenet(['bench'], fakeIo(), deps(fakeRun([]), { findPackage: () => pkg, run }))).toBe(3);
    expect(await runPurenet(['bench', '--', '--quick'], fakeIo(), deps(fakeRun([]), { findPackage: () => pkg, run }))).toBe(3);
    expect(calls).toEqual([
      ['npm', ['run', 'bench'], '/pkg'],
      ['npm', ['run', 'bench', '--', '--quick'], '/pkg'],
    ]);
  });

  it('without a bench script it is a runtime error', async () => {
    const io = fakeIo();
    const pkg = { root: '/pkg', version: '1', scripts: {} };
    expect(await runPurenet(['bench'], io, deps(fakeRun([]), { findPackage: () => pkg }))).toBe(1);
    expect(io.stderr.text()).toBe('purenet bench: this purenet (/pkg) has no bench script; benchmarks run from a source checkout\n');
  });

  it("finds this checkout's package.json and its bench script", () => {
    const pkg = defaultDeps.bench.findPackage();
    expect(pkg?.scripts.bench).toBeDefined();
    expect(JSON.parse(readFileSync(join(pkg?.root ?? '', 'package.json'), 'utf8')).name).toBe('purenet');
  });
});
