/**
 * `npm run example:regression [-- --flags]`: the lecture's regression from the command line.
 * Usage errors exit with code 2 and one line on stderr, runtime errors with code 1.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../../src/core/index.js';
import { oneLine } from '../../src/cli/failures.js';
import { FigureWriteError } from '../../src/cli/figures.js';
import { renderHelp } from '../../src/cli/flags.js';
import { exitQuietlyOnBrokenPipe } from '../../src/cli/io.js';
import { flagSpecs, parseRegressionArgs } from './options.js';
import { runRegression } from './run.js';

exitQuietlyOnBrokenPipe(process.stdout);

const main = async (argv: readonly string[]): Promise<number> => {
  const parsed = parseRegressionArgs(argv);
  if (E.isLeft(parsed)) {
    process.stderr.write(`regression: ${oneLine(parsed.left.message)}\n`);
    return 2;
  }
  if (parsed.right._tag === 'help') {
    process.stdout.write(
      `${renderHelp('npm run example:regression -- [options]', 'Regression with MSE: a line y = w·x + b by gradient descent, a step size that diverges, and a 3-32-2 MLP.', flagSpecs)}\n`,
    );
    return 0;
  }
  try {
    await runRegression(parsed.right.options, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (error) {
    if (error instanceof PurenetError || error instanceof FigureWriteError) {
      process.stderr.write(`regression: ${oneLine(error.message)}\n`);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
