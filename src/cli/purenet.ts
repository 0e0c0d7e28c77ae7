/**
 * The `purenet` command as a function of its arguments and its I/O: it dispatches to the
 * subcommands, prints help for every level, and turns failures into exit codes — 2 for a usage
 * error, 1 for a runtime error, each as one line on stderr prefixed by the command path.
 */
import { bench, defaultBenchDeps, type BenchDeps } from './bench.js';
import { evalCommand } from './eval.js';
import { oneLine, RUNTIME_EXIT, RuntimeFailure, USAGE_EXIT, UsageFailure } from './failures.js';
import type { CliIo } from './io.js';
import { findPackage } from './package-root.js';
import { predictCommand } from './predict.js';
import { defaultTrainMnistDeps, trainMnist, type TrainMnistDeps } from './train-mnist.js';

export interface PurenetDeps {
  readonly mnist: TrainMnistDeps;
  readonly bench: BenchDeps;
  readonly version: () => string;
}

export const defaultDeps: PurenetDeps = {
  mnist: defaultTrainMnistDeps,
  bench: defaultBenchDeps,
  version: () => findPackage()?.version ?? 'unknown',
};

const TASKS = ['mnist'] as const;
const COMMANDS = ['train', 'eval', 'predict', 'bench'] as const;

export const purenetHelp = (): string =>
  [
    'usage: purenet <command> [options]',
    '',
    'purenet: a functional, immutable deep-learning library in TypeScript.',
    '',
    'commands:',
    "  train mnist  the lecture's MNIST run: 784-256-10 MLP, Adam, progress per epoch (--json, --plots DIR, --save, --backend)",
    '  eval         test accuracy and mean test loss of a checkpoint (--checkpoint FILE)',
    '  predict      the digit in each 28×28 PNG or IDX image (--checkpoint FILE IMAGE…)',
    "  bench        the package's benchmarks",
    '',
    'options:',
    '  --help     show this help (also after any command: purenet train mnist --help)',
    '  --version  print the version',
  ].join('\n');

export const trainHelp = (): string =>
  [
    'usage: purenet train <task> [options]',
    '',
    'Trains a model and reports progress per epoch: a live bar on a terminal, a line per epoch otherwise, JSON Lines with --json.',
    '',
    'tasks:',
    "  mnist  the lecture's 784-256-10 MLP on MNIST (purenet train mnist --help)",
  ].join('\n');

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

const train = async (argv: readonly string[], io: CliIo, deps: PurenetDeps): Promise<number> => {
  const [task, ...rest] = argv;
  if (isHelp(task)) {
    io.stdout.write(`${trainHelp()}\n`);
    return 0;
  }
  if (task === undefined) throw new UsageFailure(`expected a task (${TASKS.join(', ')}); see purenet train --help`);
  if (task === 'mnist') return trainMnist(rest, io, deps.mnist);
  throw new UsageFailure(`unknown task '${task}' (tasks: ${TASKS.join(', ')})`);
};

/** The command path that prefixes error lines (`purenet train mnist: …`), and the command to run. */
const dispatch = (argv: readonly string[], io: CliIo, deps: PurenetDeps): { readonly path: string; readonly run: () => Promise<number> } => {
  const [command, ...rest] = argv;
  if (command === 'train') return { path: `purenet train${rest[0] === undefined || rest[0].startsWith('-') ? '' : ` ${rest[0]}`}`, run: () => train(rest, io, deps) };
  if (command === 'eval') return { path: 'purenet eval', run: () => evalCommand(rest, io) };
  if (command === 'predict') return { path: 'purenet predict', run: () => predictCommand(rest, io) };
  if (command === 'bench') return { path: 'purenet bench', run: () => bench(rest, io, deps.bench) };
  return { path: 'purenet', run: () => top(command, io, deps) };
};

const top = async (command: string | undefined, io: CliIo, deps: PurenetDeps): Promise<number> => {
  if (isHelp(command)) {
    io.stdout.write(`${purenetHelp()}\n`);
    return 0;
  }
  if (command === '--version') {
    io.stdout.write(`${deps.version()}\n`);
    return 0;
  }
  if (command === undefined) throw new UsageFailure(`expected a command (${COMMANDS.join(', ')}); see purenet --help`);
  throw new UsageFailure(`unknown command '${command}' (commands: ${COMMANDS.join(', ')}; see purenet --help)`);
};

/** Runs `purenet ARGV…`; resolves to the exit code. Bugs (anything but a usage or runtime failure) are rethrown. */
export const runPurenet = async (argv: readonly string[], io: CliIo, deps: PurenetDeps = defaultDeps): Promise<number> => {
  const { path, run } = dispatch(argv, io, deps);
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageFailure) {
      io.stderr.write(`${path}: ${oneLine(error.message)}\n`);
      return USAGE_EXIT;
    }
    if (error instanceof RuntimeFailure) {
      io.stderr.write(`${path}: ${oneLine(error.message)}\n`);
      return RUNTIME_EXIT;
    }
    throw error;
  }
};
