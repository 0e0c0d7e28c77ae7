/**
 * `npm run bench`: the lecture's workload measured the way shared/BENCHMARKS.md asks — warm-up
 * first, medians, training and evaluation apart, and PyTorch (when python3 can import torch) run
 * alternately with purenet in the same session so the comparison is a ratio on one machine.
 * Prints markdown tables; `--json FILE` also writes the raw numbers.
 *
 * usage: npm run bench -- [--epochs N] [--rounds N] [--threads 1,2] [--no-torch] [--kernels auto|js] [--dense] [--gpujs MODES] [--json FILE]
 *   --dense turns the cpu backend's zero skipping off (the dense kernel alone; same results).
 *   --gpujs cpu,webasm,webgpu,headlessgl adds the gpu.js backend per mode (bench/gpujs.ts; slow in
 *   software: a step-time estimate, not full epochs).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { cpuBackend } from '../src/core/index.js';
import { defaultMnistDir, formatIdxError, loadMnist } from '../src/io/index.js';
import { matmulTable } from './matmul-table.js';
import { runGpujsBench } from './gpujs.js';
import type { GpujsMode } from '../src/core/index.js';
import { median, profileStep, type EpochTiming } from './lecture.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const epochs = Number(flag('epochs', '3'));
const threadCounts = flag('threads', '1,2').split(',').map(Number);
const rounds = Number(flag('rounds', '2'));
const kernels = flag('kernels', 'auto') as 'auto' | 'js';
const withTorch = !args.includes('--no-torch');
const zeroSkip = !args.includes('--dense');
const jsonPath = flag('json', '');
const gpujsModes = flag('gpujs', '');

const line = (s = ''): void => void process.stdout.write(`${s}\n`);
const fmt = (x: number, digits = 2): string => x.toFixed(digits);

interface TorchEpochs {
  readonly epochSeconds: number[];
  readonly testAccuracy?: number;
}

/** Debian's python3-torch with the OpenMP OpenBLAS (its default reference BLAS is ~17x slower). */
const runTorch = (dataDir: string, threads: number): TorchEpochs | string => {
  const env = { ...process.env, LD_LIBRARY_PATH: ['/usr/lib/x86_64-linux-gnu/openblas-openmp', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  const script = new URL('../../bench/pytorch/mnist_epoch.py', import.meta.url).pathname;
  const run = spawnSync('/usr/bin/python3', [script, dataDir, '--threads', String(threads), '--epochs', String(epochs), '--eval'], { encoding: 'utf8', env });
  if (run.status !== 0) return (run.stderr || run.error?.message || 'python3 failed').trim().split('\n').slice(-1)[0];
  const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seconds: number; test_accuracy?: number });
  return { epochSeconds: records.map((r) => r.seconds), testAccuracy: records[records.length - 1].test_accuracy };
};

const torchAvailable = (): string | undefined => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3 cannot import torch (apt install python3-torch libopenblas0-openmp)';
};

/** Training epochs of one configuration in a child process (bench/epochs-child.ts). */
const runOurs = (threads: number): EpochTiming => {
  const script = new URL('./epochs-child.js', import.meta.url).pathname;
  const child = spawnSync(process.execPath, [script, '--threads', String(threads), '--epochs', String(epochs), '--kernels', kernels, ...(zeroSkip ? [] : ['--dense'])],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`bench: the epochs child for ${threads} thread(s) failed: ${(child.stderr || child.error?.message || '').trim()}`);
  return JSON.parse(child.stdout.trim().split('\n').slice(-1)[0]) as EpochTiming;
};

const main = async (): Promise<void> => {
  const backends = threadCounts.map((threads) => cpuBackend({ kernels, threads, zeroSkip }));
  line(`# purenet bench — ${new Date().toISOString().slice(0, 10)}`);
  line(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, Node ${process.version}`);
  line();

  const loaded = await loadMnist();
  if (E.isLeft(loaded)) throw new Error(formatIdxError(loaded.left));
  const mnist = loaded.right;
  // The first 256 training images (already scaled to [0, 1]), for the products that take the batch.
  const pixels = mnist.train.images.slice(0, 256 * 784);

  for (const backend of backends) {
    line(`## Matmul, ${backend.description} (GFLOP/s, median)`);
    line(matmulTable(backend, pixels));
    line();
  }

  line('## One training step, per phase (ms, median of 50 after 10 warm-up; batch 256)');
  line('| backend | data (gather+upload) | forward+loss | backward | optimizer (fused Adam) | step total |');
  line('|---|---:|---:|---:|---:|---:|');
  const phases = [];
  for (const backend of backends) {
    const p = await profileStep(backend, mnist);
    phases.push(p);
    line(`| ${backend.description} | ${fmt(p.dataMs)} | ${fmt(p.forwardMs)} | ${fmt(p.backwardMs)} | ${fmt(p.optimizerMs)} | ${fmt(p.stepMs)} |`);
  }
  line();

  const dataDir = E.getOrElse(() => '')(defaultMnistDir());
  const torchProblem = withTorch ? torchAvailable() : 'disabled by --no-torch';
  line(`## The lecture's run: ${epochs} epoch(s) x ${rounds} round(s), purenet and PyTorch alternating, per thread count`);
  line('Each purenet run is a process of its own (bench/epochs-child.ts), as PyTorch\'s is.');
  if (torchProblem !== undefined) line(`PyTorch: skipped — ${torchProblem}`);
  line('| system | threads | first epoch (s) | later epochs (s, median) | samples/s | test forward 10k (s) | test acc | peak RSS (MB) |');
  line('|---|---:|---:|---:|---:|---:|---:|---:|');
  const steady = (xs: readonly number[]) => (xs.length > 1 ? xs.slice(1) : xs);
  const torchVersion = torchProblem === undefined ? (spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout || '').trim() : '';
  const ratios: string[] = [];
  const results = [];
  for (let b = 0; b < backends.length; b++) {
    const backend = backends[b];
    const threads = threadCounts[b];
    const ours: EpochTiming[] = [];
    const theirs: TorchEpochs[] = [];
    for (let r = 0; r < rounds; r++) {
      ours.push(runOurs(threads));
      if (torchProblem === undefined) {
        const t = runTorch(dataDir, threads);
        if (typeof t === 'string') line(`PyTorch run failed: ${t}`);
        else theirs.push(t);
      }
    }
    const oursEpoch = median(ours.flatMap((o) => steady(o.epochSeconds)));
    const last = ours[ours.length - 1];
    line(`| purenet ${backend.description} | ${threads} | ${fmt(median(ours.map((o) => o.epochSeconds[0])))} | ${fmt(oursEpoch)} | ${Math.round(60000 / oursEpoch)} | ${fmt(median(ours.map((o) => o.forwardTestSeconds)), 3)} | ${fmt(last.testAccuracy, 4)} after ${epochs} | ${fmt(Math.max(...ours.map((o) => o.peakRssMb)), 0)} |`);
    if (theirs.length > 0) {
      const torchEpoch = median(theirs.flatMap((t) => steady(t.epochSeconds)));
      line(`| PyTorch ${torchVersion} + OpenBLAS | ${threads} | ${fmt(median(theirs.map((t) => t.epochSeconds[0])))} | ${fmt(torchEpoch)} | ${Math.round(60000 / torchEpoch)} | | ${fmt(theirs[theirs.length - 1].testAccuracy ?? NaN, 4)} after ${epochs} | |`);
      // Each round's purenet run against the PyTorch run right after it: the machine drifts
      // between rounds (it is a shared VM), so the spread of these says how far one ratio goes.
      const paired = ours.slice(0, theirs.length).map((o, r) => median(steady(o.epochSeconds)) / median(steady(theirs[r].epochSeconds)));
      ratios.push(`${threads} thread(s): purenet / PyTorch = ${fmt(oursEpoch / torchEpoch)}x (per round, paired: ${paired.map((x) => fmt(x)).join(', ')})`);
    }
    ratios.push(`RSS per epoch, ${threads} thread(s), last round (MB): ${last.rssMbPerEpoch.map((m) => fmt(m, 0)).join(', ')}`);
    results.push({ threads, ours, theirs });
  }
  line();
  for (const r of ratios) line(r);
  if (gpujsModes !== '') {
    line();
    line('## gpujs backend per gpu.js mode (bench/gpujs.ts)');
    await runGpujsBench({ modes: gpujsModes.split(',') as GpujsMode[], runs: 5, steps: 5 });
  }
  if (jsonPath !== '') writeFileSync(jsonPath, JSON.stringify({ phases, results }, null, 2));
  await Promise.all(backends.map((b) => b.close()));
};

void dirname;
await main();
