/**
 * `npm run mnist [-- --flags]`: the lecture's MNIST run from the command line. Usage and config
 * errors exit with code 2 (one line, or io-ts' error tree for a value that does not decode),
 * runtime errors (data, checkpoints, a backend that cannot run, pictures) with code 1 and one
 * line; never a stack trace for a mistake the user can fix.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../../src/core/index.js';
import { oneLine } from '../../src/cli/failures.js';
import { FigureWriteError, preparePlotsDirectory, saveFigures } from '../../src/cli/figures.js';
import { renderHelp } from '../../src/cli/flags.js';
import { mnistFigures } from './figures.js';
import { flagSpecs, resolveMnistArgs } from './options.js';
import { MnistRunError, runMnist } from './run.js';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const main = async (argv: readonly string[]): Promise<number> => {
  const parsed = await resolveMnistArgs(argv);
  if (E.isLeft(parsed)) {
    process.stderr.write(`mnist: ${parsed.left.message}\n`);
    return 2;
  }
  if (parsed.right._tag === 'help') {
    process.stdout.write(`${renderHelp('npm run mnist -- [options]', "The lecture's run: a 784-256-10 ReLU MLP on MNIST with Adam, printed per epoch.", flagSpecs)}\n`);
    return 0;
  }
  const { options } = parsed.right;
  try {
    if (options.plots !== undefined) await preparePlotsDirectory(options.plots);
    const report = await runMnist(options, say);
    if (options.plots !== undefined) {
      const saved = await saveFigures(options.plots, mnistFigures(report));
      say(`plots: wrote ${saved.paths.join(', ')}`);
      if (saved.warning !== undefined) say(`plots: warning: ${saved.warning}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof MnistRunError || error instanceof PurenetError || error instanceof FigureWriteError) {
      process.stderr.write(`mnist: ${oneLine(error.message)}\n`);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
