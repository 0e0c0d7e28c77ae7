/**
 * `purenet train mnist`: the lecture's MNIST run (examples/mnist) behind the command, with the
 * example's own flags (backends, checkpoints, `--config`, `--plots`) passed through to its parser
 * and one flag of the command's: `--json` (JSON Lines per epoch on stdout). The run's step and
 * epoch hooks drive the progress fold as they happen: a live bar on a terminal, and each epoch's
 * JSON object written when that epoch ends, not when the run does.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../core/index.js';
import type { MnistOptions, ParsedArgs } from '../../examples/mnist/options.js';
import type { EpochReport, MnistReport, RunMnistIo } from '../../examples/mnist/run.js';
import { FigureWriteError, preparePlotsDirectory, saveFigures, type Figure } from './figures.js';
import { oneLine, RuntimeFailure, UsageFailure } from './failures.js';
import { renderHelp, type FlagSpecs, type UsageError } from './flags.js';
import type { CliIo } from './io.js';
import { createProgress, type Progress } from './progress.js';
import type { EpochSummary } from './progress-format.js';

export type RunMnist = (options: MnistOptions, log: (line: string) => void, io?: RunMnistIo) => Promise<MnistReport>;

/** What the command needs of the example; tests pass a fake run with the real parser. */
export interface MnistExample {
  readonly runMnist: RunMnist;
  /** argv → options, with a `--config` file read and applied. */
  readonly resolveMnistArgs: (argv: readonly string[]) => Promise<E.Either<UsageError, ParsedArgs>>;
  readonly flagSpecs: FlagSpecs;
  /** The pictures of a finished run (curves, digit grid). */
  readonly mnistFigures: (report: MnistReport) => readonly Figure[];
  /** Errors the example reports as one line (exit code 1). */
  readonly isRuntimeError: (error: unknown) => boolean;
}

export interface TrainMnistDeps {
  /** The example, loaded on demand (the default imports examples/mnist). */
  readonly loadMnistExample: () => Promise<MnistExample>;
}

export const defaultTrainMnistDeps: TrainMnistDeps = {
  loadMnistExample: async () => {
    const [run, options, figures] = await Promise.all([import('../../examples/mnist/run.js'), import('../../examples/mnist/options.js'), import('../../examples/mnist/figures.js')]);
    return {
      runMnist: run.runMnist,
      resolveMnistArgs: (argv) => options.resolveMnistArgs(argv),
      flagSpecs: options.flagSpecs,
      mnistFigures: figures.mnistFigures,
      isRuntimeError: (error) => error instanceof run.MnistRunError,
    };
  },
};

const commandFlags: FlagSpecs = {
  json: { help: 'one JSON object per epoch on stdout (JSON Lines), written as each epoch ends; other lines go to stderr' },
};

/** Takes `--json` out of argv; everything else is the example's. */
const splitFlags = (argv: readonly string[]): { readonly json: boolean; readonly rest: readonly string[] } => {
  let json = false;
  const rest: string[] = [];
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('--json=')) throw new UsageFailure('--json is a switch and takes no value');
    else rest.push(arg);
  }
  return { json, rest };
};

export const trainMnistHelp = (exampleFlags: FlagSpecs): string =>
  renderHelp(
    'purenet train mnist [options]',
    "The lecture's run: a 784-256-10 ReLU MLP on MNIST with Adam. Progress: a live bar per epoch on a terminal, the lecture's line per epoch otherwise, JSON Lines with --json (fields: epoch, epochs, loss = the epoch's mean batch loss, seconds, samples, samplesPerSecond, trainLoss, trainAccuracy, testLoss, testAccuracy, evalSeconds).",
    { ...exampleFlags, ...commandFlags },
  );

/** An epoch as the progress fold takes it. */
export const epochSummary = (epoch: EpochReport, epochs: number): EpochSummary => ({
  epoch: epoch.epoch,
  epochs,
  loss: epoch.loss,
  seconds: epoch.trainSeconds,
  metrics: { trainLoss: epoch.trainLoss, trainAccuracy: epoch.trainAccuracy, testLoss: epoch.testLoss, testAccuracy: epoch.testAccuracy, evalSeconds: epoch.evalSeconds },
});

/** The run with its lines, steps and epochs going through the progress fold as they happen. */
const runWithProgress = (example: MnistExample, options: MnistOptions, progress: Progress): Promise<MnistReport> =>
  example.runMnist(options, progress.log, {
    onStep: (step) => progress.step({ ...step, epochs: options.epochs }),
    onEpoch: (epoch) => progress.epochEnd(epochSummary(epoch, options.epochs)),
  });

const writePlots = async (dir: string, figures: readonly Figure[], report: MnistReport, progress: Progress): Promise<void> => {
  if (report.epochs.length === 0) progress.log('plots: no epochs were run, so there are no curves to draw');
  const saved = await saveFigures(dir, figures);
  if (saved.paths.length > 0) progress.log(`plots: wrote ${saved.paths.join(', ')}`);
  if (saved.warning !== undefined) progress.log(`plots: warning: ${saved.warning}`);
};

/** Exit code 0, or throws UsageFailure / RuntimeFailure. */
export const trainMnist = async (argv: readonly string[], io: CliIo, deps: TrainMnistDeps = defaultTrainMnistDeps): Promise<number> => {
  const example = await deps.loadMnistExample();
  if (argv.includes('--help')) {
    io.stdout.write(`${trainMnistHelp(example.flagSpecs)}\n`);
    return 0;
  }
  const flags = splitFlags(argv);
  const parsed = await example.resolveMnistArgs(flags.rest);
  if (E.isLeft(parsed)) throw new UsageFailure(oneLine(parsed.left.message));
  if (parsed.right._tag === 'help') {
    io.stdout.write(`${trainMnistHelp(example.flagSpecs)}\n`);
    return 0;
  }
  const options = parsed.right.options;
  const failure = (error: unknown): unknown =>
    example.isRuntimeError(error) || error instanceof PurenetError || error instanceof FigureWriteError ? new RuntimeFailure(oneLine((error as Error).message)) : error;
  // The progress fold owns stdout from here: in JSON mode the example's lines go to stderr.
  const progress = createProgress(io, { json: flags.json, epochLines: false });
  let report: MnistReport;
  try {
    if (options.plots !== undefined) await preparePlotsDirectory(options.plots);
    report = await runWithProgress(example, options, progress);
  } catch (error) {
    throw failure(error);
  } finally {
    progress.close();
  }
  if (options.plots !== undefined) {
    try {
      await writePlots(options.plots, example.mnistFigures(report), report, progress);
    } catch (error) {
      throw failure(error);
    }
  }
  return 0;
};
