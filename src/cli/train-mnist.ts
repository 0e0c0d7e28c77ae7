/**
 * `purenet train mnist`: the lecture's MNIST run (examples/mnist) behind the command, with the
 * command's own flags on top of the example's: `--json` (JSON Lines per epoch on stdout) and
 * `--plots DIR` (loss and accuracy curves as SVG and PNG). The example's flags pass through to
 * its own parser, so flags it gains (checkpoints, config files) appear here without changes.
 *
 * runMnist prints its own lines per epoch and has no per-step hook yet, so today the live bar
 * does not move and JSON lines are written when the run ends. Once runMnist takes
 * `{ onStep, onEpoch }`, `runWithProgress` forwards them to the progress fold (see its comment).
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../core/index.js';
import type { MnistOptions } from '../../examples/mnist/options.js';
import type { MnistReport } from '../../examples/mnist/run.js';
import { trainingCurvesSvg } from '../plot/index.js';
import { FigureWriteError, saveFigures } from './figures.js';
import { oneLine, RuntimeFailure, UsageFailure } from './failures.js';
import { renderHelp, type FlagSpecs } from './flags.js';
import type { CliIo } from './io.js';
import { createProgress, type Progress } from './progress.js';

export type RunMnist = (options: MnistOptions, log: (line: string) => void) => Promise<MnistReport>;

export interface TrainMnistDeps {
  /** The example's run and parser, loaded on demand (the default imports examples/mnist). */
  readonly loadMnistExample: () => Promise<{
    readonly runMnist: RunMnist;
    readonly parseMnistArgs: typeof import('../../examples/mnist/options.js').parseMnistArgs;
    readonly flagSpecs: FlagSpecs;
    /** Errors the example reports as one line (exit code 1). */
    readonly isRuntimeError: (error: unknown) => boolean;
  }>;
}

export const defaultTrainMnistDeps: TrainMnistDeps = {
  loadMnistExample: async () => {
    const [run, options] = await Promise.all([import('../../examples/mnist/run.js'), import('../../examples/mnist/options.js')]);
    return { runMnist: run.runMnist, parseMnistArgs: options.parseMnistArgs, flagSpecs: options.flagSpecs, isRuntimeError: (error) => error instanceof run.MnistRunError };
  },
};

const commandFlags: FlagSpecs = {
  json: { help: 'one JSON object per epoch on stdout (JSON Lines); other lines go to stderr' },
  plots: { value: 'DIR', help: 'write loss and accuracy curves per epoch (SVG and PNG) to DIR', default: 'none' },
};

interface CommandFlags {
  readonly json: boolean;
  readonly plots: string | undefined;
  /** The rest, for the example's parser. */
  readonly rest: readonly string[];
}

/** Takes `--json` and `--plots DIR` out of argv; everything else is the example's. */
const splitFlags = (argv: readonly string[]): CommandFlags => {
  let json = false;
  let plots: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg.startsWith('--json=')) throw new UsageFailure('--json is a switch and takes no value');
    else if (arg === '--plots') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageFailure('--plots expects a value (DIR)');
      plots = value;
    } else if (arg.startsWith('--plots=')) plots = arg.slice('--plots='.length);
    else rest.push(arg);
  }
  if (plots === '') throw new UsageFailure('--plots expects a value (DIR)');
  return { json, plots, rest };
};

export const trainMnistHelp = (exampleFlags: FlagSpecs): string =>
  renderHelp(
    'purenet train mnist [options]',
    "The lecture's run: a 784-256-10 ReLU MLP on MNIST with Adam, reported per epoch (a line, or JSON Lines with --json).",
    { ...exampleFlags, ...commandFlags },
  );

/**
 * Runs the example with its lines going through the progress fold. Today runMnist logs its own
 * epoch lines and reports steps to nobody: the epochs reach the fold after the run, from its
 * report. With `runMnist(options, log, { onStep, onEpoch })` this becomes:
 *   onStep: (info) => progress.step({ ...info, epochs: options.epochs }),
 *   onEpoch: (e) => progress.epochEnd(epochSummary(e, options.epochs)),
 * and the replay below goes away.
 */
const runWithProgress = async (runMnist: RunMnist, options: MnistOptions, progress: Progress): Promise<MnistReport> => {
  const report = await runMnist(options, progress.log);
  for (const epoch of report.epochs) progress.epochEnd(epochSummary(epoch, options.epochs));
  return report;
};

const epochSummary = (epoch: MnistReport['epochs'][number], epochs: number) => ({
  epoch: epoch.epoch,
  epochs,
  loss: epoch.loss,
  seconds: epoch.trainSeconds,
  metrics: { trainAccuracy: epoch.trainAccuracy, testAccuracy: epoch.testAccuracy, evalSeconds: epoch.evalSeconds },
});

export const curvesFigure = (report: MnistReport) => ({
  name: 'mnist-curves',
  svg: trainingCurvesSvg({
    title: `MNIST 784-256-10 MLP (${report.backend.split(' ')[0]})`,
    epochs: report.epochs.map((e) => e.epoch + 1),
    loss: { train: report.epochs.map((e) => e.loss) },
    accuracy: { train: report.epochs.map((e) => e.trainAccuracy), test: report.epochs.map((e) => e.testAccuracy) },
  }),
});

/** Exit code 0, or throws UsageFailure / RuntimeFailure. */
export const trainMnist = async (argv: readonly string[], io: CliIo, deps: TrainMnistDeps = defaultTrainMnistDeps): Promise<number> => {
  const example = await deps.loadMnistExample();
  if (argv.includes('--help')) {
    io.stdout.write(`${trainMnistHelp(example.flagSpecs)}\n`);
    return 0;
  }
  const flags = splitFlags(argv);
  const parsed = example.parseMnistArgs(flags.rest);
  if (E.isLeft(parsed)) throw new UsageFailure(oneLine(parsed.left.message));
  if (parsed.right._tag === 'help') {
    io.stdout.write(`${trainMnistHelp(example.flagSpecs)}\n`);
    return 0;
  }
  const options = parsed.right.options;
  // The progress fold owns stdout from here: in JSON mode the example's lines go to stderr.
  const progress = createProgress(io, { json: flags.json, epochLines: false });
  let report: MnistReport;
  try {
    report = await runWithProgress(example.runMnist, options, progress);
  } catch (error) {
    if (example.isRuntimeError(error) || error instanceof PurenetError) throw new RuntimeFailure(oneLine((error as Error).message));
    throw error;
  } finally {
    progress.close();
  }
  if (flags.plots !== undefined) {
    if (report.epochs.length === 0) {
      progress.log('plots: no epochs were run (--epochs 0), so there are no curves to draw');
      return 0;
    }
    try {
      const saved = await saveFigures(flags.plots, [curvesFigure(report)]);
      progress.log(`plots: wrote ${saved.paths.join(', ')}`);
      if (saved.warning !== undefined) progress.log(`plots: warning: ${saved.warning}`);
    } catch (error) {
      if (error instanceof FigureWriteError) throw new RuntimeFailure(error.message);
      throw error;
    }
  }
  return 0;
};
