/**
 * One configuration's training epochs in a process of its own, for bench/main.ts: a user runs one
 * backend per process, and two backends in one process measured differently (two threads after
 * the one-thread runs: 0.71 s per epoch, against 0.56 s alone). Prints the EpochTiming as JSON.
 *
 * usage: node dist/bench/epochs-child.js --threads N --epochs E [--kernels auto|js] [--dense]
 */
import * as E from 'fp-ts/lib/Either.js';
import { cpuBackend } from '../src/core/index.js';
import { formatIdxError, loadMnist } from '../src/io/index.js';
import { timeEpochs } from './lecture.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

const loaded = await loadMnist();
if (E.isLeft(loaded)) throw new Error(formatIdxError(loaded.left));
const backend = cpuBackend({
  threads: Number(flag('threads', '1')),
  kernels: flag('kernels', 'auto') as 'auto' | 'js',
  zeroSkip: !args.includes('--dense'),
});
const timing = await timeEpochs(backend, loaded.right, Number(flag('epochs', '3')));
await backend.close();
process.stdout.write(`${JSON.stringify(timing)}\n`);
