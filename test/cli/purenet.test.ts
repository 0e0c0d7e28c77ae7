import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistFigures } from '../../examples/mnist/figures.js';
import { flagSpecs, resolveMnistArgs, type MnistOptions } from '../../examples/mnist/options.js';
import { MnistRunError, type EpochReport, type MnistReport } from '../../examples/mnist/run.js';
import type { BenchDeps } from '../../src/cli/bench.js';
import { defaultDeps, runPurenet, type PurenetDeps } from '../../src/cli/purenet.js';
import type { RunMnist } from '../../src/cli/train-mnist.js';
import { digitGridSize } from '../../src/plot/index.js';
import { decodePng, parseSvg } from '../unit/plot/support.js';
import { fakeIo, screen, type FakeIo } from './support.js';

const epochReports: readonly EpochReport[] = [
  { epoch: 0, loss: 0.6, trainLoss: 0.5, trainAccuracy: 0.9, testLoss: 0.55, testAccuracy: 0.89, trainSeconds: 2, evalSeconds: 0.5 },
  { epoch: 1, loss: 0.3, trainLoss: 0.25, trainAccuracy: 0.94, testLoss: 0.3, testAccuracy: 0.93, trainSeconds: 2, evalSeconds: 0.5 },
];

/** 25 images of a bar at row = index, labels 0..9 repeating, three of them predicted wrong. */
const preview = {
  images: Array.from({ length: 25 * 784 }, (_, i) => (Math.floor((i % 784) / 28) === Math.floor(i / 784) ? 1 : 0)),
  labels: Array.from({ length: 25 }, (_, i) => i % 10),
  predictions: Array.from({ length: 25 }, (_, i) => (i % 8 === 3 ? (i + 1) % 10 : i % 10)),
  confidences: Array.from({ length: 25 }, () => 0.9),
};

const report: MnistReport = {
  backend: 'cpu (fake)',
  hidden: 256,
  parameters: 203_530,
  initialTestAccuracy: 0.1,
  initial: { trainLoss: 2.3, trainAccuracy: 0.11, testLoss: 2.31, testAccuracy: 0.1 },
  epochs: epochReports,
  preview,
};

/**
 * A runMnist that logs like the real one, records the options it got, reports 3 steps and the
 * end of each epoch through the hooks, and returns `report`. `seen` records, at each epoch end,
 * how much the command had written to stdout before the hook (liveness of the output).
 */
const fakeRun =
  (calls: MnistOptions[], behaviour: 'ok' | 'data-error' | 'bug' = 'ok', seen: { stdoutAtEpoch: string[] } = { stdoutAtEpoch: [] }, io?: FakeIo): RunMnist =>
  async (options, log, hooks = {}) => {
    calls.push(options);
    log('backend: cpu (fake)');
    if (behaviour === 'data-error') throw new MnistRunError('NotFound: loadMnist(/nowhere): the directory does not exist');
    if (behaviour === 'bug') throw new TypeError('a bug');
    for (const epoch of epochReports) {
      for (let b = 0; b < 3; b++) {
        io?.tick(0.5);
        hooks.onStep?.({ epoch: epoch.epoch, batchIndex: b, batches: 3, size: 100, loss: epoch.loss });
      }
      seen.stdoutAtEpoch.push(io?.stdout.text() ?? '');
      hooks.onEpoch?.(epoch);
      log(`epoch:[${epoch.epoch}] loss:[${epoch.loss.toFixed(4)}] train_accr:[${epoch.trainAccuracy.toFixed(4)}] test_accr:[${epoch.testAccuracy.toFixed(4)}]`);
    }
    return report;
  };

const deps = (runMnist: RunMnist, bench: Partial<BenchDeps> = {}): PurenetDeps => ({
  ...defaultDeps,
  mnist: { loadMnistExample: async () => ({ runMnist, resolveMnistArgs: (argv) => resolveMnistArgs(argv), flagSpecs, mnistFigures, isRuntimeError: (e) => e instanceof MnistRunError }) },
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
    [['help'], /commands:\n {2}train mnist[\s\S]*\n {2}eval [\s\S]*\n {2}predict /],
    [['train', '--help'], /^usage: purenet train <task>/],
    [['train', 'mnist', '--help'], /^usage: purenet train mnist \[options\][\s\S]*--batch-size N[\s\S]*--backend NAME[\s\S]*--mode MODE[\s\S]*--threads N[\s\S]*--config FILE[\s\S]*--plots DIR[\s\S]*--json/],
    [['train', 'mnist', '--epochs', '3', '--help'], /^usage: purenet train mnist/],
    [['bench', '--help'], /^usage: purenet bench/],
    [['eval', '--help'], /^usage: purenet eval --checkpoint FILE \[options\][\s\S]*--checkpoint FILE[\s\S]*--backend NAME[\s\S]*--mode MODE[\s\S]*--test-size N[\s\S]*--json/],
    [['eval', '--checkpoint', 'x', '--help'], /^usage: purenet eval/],
    [['predict', '--help'], /^usage: purenet predict --checkpoint FILE \[options\] IMAGE…[\s\S]*--invert[\s\S]*--json[\s\S]*IDX images file/],
    [['predict', 'a.png', '--help'], /^usage: purenet predict/],
    [['--version'], /^9\.9\.9\n$/],
  ])('%j prints help on stdout and exits 0', async (argv, text) => {
    const io = fakeIo();
    expect(await runPurenet(argv, io, deps(fakeRun([])))).toBe(0);
    expect(io.stdout.text()).toMatch(text);
    expect(io.stderr.text()).toBe('');
  });

  it.each([
    [[], /^purenet: expected a command \(train, eval, predict, bench\); see purenet --help$/],
    [['fly'], /^purenet: unknown command 'fly'/],
    [['train'], /^purenet train: expected a task \(mnist\)/],
    [['train', 'cifar'], /^purenet train cifar: unknown task 'cifar' \(tasks: mnist\)$/],
    [['train', 'mnist', '--epochs', 'ten'], /^purenet train mnist: invalid options: --epochs: cannot decode "ten", should be a finite number$/],
    [['train', 'mnist', '--lr', '-1', '--batch-size', '0'], /^purenet train mnist: invalid options: --batch-size: .*; --lr: .*a positive number$/],
    [['train', 'mnist', '--nope'], /^purenet train mnist: unknown flag --nope \(see --help\)$/],
    [['train', 'mnist', '--plots'], /^purenet train mnist: --plots expects a value \(DIR\)$/],
    [['train', 'mnist', '--json=yes'], /^purenet train mnist: --json is a switch and takes no value$/],
    [['train', 'mnist', '--mode', 'cpu'], /^purenet train mnist: --mode cpu needs --backend gpujs \(the backend is cpu\); drop --mode or add --backend gpujs$/],
    [['train', 'mnist', '--backend', 'reference', '--mode', 'webgpu'], /^purenet train mnist: --mode webgpu needs --backend gpujs \(the backend is reference\)/],
    [['train', 'mnist', '--backend', 'gpujs', '--mode', 'metal'], /^purenet train mnist: invalid options: --mode: cannot decode "metal", should be one of auto \| webgpu \| webgl2 \| webgl \| headlessgl \| webasm \| cpu$/],
    [['train', 'mnist', '--backend', 'gpujs', '--threads', '2'], /^purenet train mnist: --threads 2 needs --backend cpu \(the backend is gpujs\); drop --threads$/],
    [['train', 'mnist', '--threads', '0'], /^purenet train mnist: invalid options: --threads: cannot decode 0, should be an integer in \[1, 64\]$/],
    [['train', 'mnist', '--config', '/no/such/config.json'], /^purenet train mnist: invalid --config: readConfigFile\(\/no\/such\/config\.json\): no such file \(ENOENT\)$/],
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

  it("--json: each epoch's JSON object is on stdout when that epoch ends; the human lines go to stderr", async () => {
    const io = fakeIo({ tty: true });
    const seen = { stdoutAtEpoch: [] as string[] };
    expect(await runPurenet(['train', 'mnist', '--json', '--epochs', '2'], io, deps(fakeRun([], 'ok', seen, io)))).toBe(0);
    const lines = io.stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const common = { event: 'epoch', epochs: 2, seconds: 2, samples: 300, samplesPerSecond: 150, evalSeconds: 0.5 };
    expect(lines).toEqual([
      { ...common, epoch: 0, loss: 0.6, trainLoss: 0.5, trainAccuracy: 0.9, testLoss: 0.55, testAccuracy: 0.89 },
      { ...common, epoch: 1, loss: 0.3, trainLoss: 0.25, trainAccuracy: 0.94, testLoss: 0.3, testAccuracy: 0.93 },
    ]);
    // Live: when epoch 1 ended, epoch 0's line was already out, and nothing of epoch 1 yet.
    expect(seen.stdoutAtEpoch).toEqual(['', `${JSON.stringify(lines[0])}\n`]);
    expect(io.stderr.text()).toContain('backend: cpu (fake)');
    expect(io.stderr.text()).toContain('epoch:[1] loss:[0.3000]');
  });

  it('on a terminal the steps move a live bar, and the lecture lines stay on screen', async () => {
    const io = fakeIo({ tty: true, columns: 100 });
    const seen = { stdoutAtEpoch: [] as string[] };
    expect(await runPurenet(['train', 'mnist', '--epochs', '2'], io, deps(fakeRun([], 'ok', seen, io)))).toBe(0);
    // By the end of epoch 0's steps the bar had reached 3/3 at 200 samples/s with the running loss.
    expect(seen.stdoutAtEpoch[0]).toMatch(/\r\x1b\[Kepoch 1\/2 \[█+\] 3\/3 {2}200 samples\/s {2}ETA 0:00 {2}loss 0\.6000$/);
    expect(screen(io.stdout.text())).toEqual([
      'backend: cpu (fake)',
      'epoch:[0] loss:[0.6000] train_accr:[0.9000] test_accr:[0.8900]',
      'epoch:[1] loss:[0.3000] train_accr:[0.9400] test_accr:[0.9300]',
      '',
    ]);
  });

  it('--plots DIR writes the curves and the digit grid as valid SVG and PNG of the expected sizes', async () => {
    const dir = join(tempDir(), 'new', 'plots');
    const io = fakeIo();
    expect(await runPurenet(['train', 'mnist', '--plots', dir], io, deps(fakeRun([])))).toBe(0);
    const sizes = ['mnist-curves', 'mnist-digits'].map((name) => {
      const svg = parseSvg(readFileSync(join(dir, `${name}.svg`), 'utf8'));
      const png = decodePng(readFileSync(join(dir, `${name}.png`)));
      expect([png.width, png.height]).toEqual([svg.width, svg.height]);
      return [svg.width, svg.height];
    });
    const grid = digitGridSize({});
    expect(sizes).toEqual([
      [1120, 414],
      [grid.width, grid.height],
    ]);
    const written = ['mnist-curves.svg', 'mnist-curves.png', 'mnist-digits.svg', 'mnist-digits.png'].map((name) => join(dir, name));
    expect(io.stdout.text()).toContain(`plots: wrote ${written.join(', ')}`);
    // The grid's title counts the fake's three mistakes; the curves start before training (epoch 0).
    expect(readFileSync(join(dir, 'mnist-digits.svg'), 'utf8')).toContain('22 of 25 correct (mistakes in red)');
    expect(readFileSync(join(dir, 'mnist-digits.svg'), 'utf8')).toContain('Pred:4, Label:3');
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
