/**
 * `npm run example:probabilistic [-- --flags]`: maximum likelihood from the command line.
 * Usage errors exit with code 2 and one line on stderr, runtime errors with code 1.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../../src/core/index.js';
import { oneLine } from '../../src/cli/failures.js';
import { FigureWriteError } from '../../src/cli/figures.js';
import { renderHelp } from '../../src/cli/flags.js';
import { exitQuietlyOnBrokenPipe } from '../../src/cli/io.js';
import { flagSpecs, parseProbabilisticArgs } from './options.js';
import { runProbabilistic } from './run.js';

exitQuietlyOnBrokenPipe(process.stdout);

const main = async (argv: readonly string[]): Promise<number> => {
  const parsed = parseProbabilisticArgs(argv);
  if (E.isLeft(parsed)) {
    process.stderr.write(`probabilistic: ${oneLine(parsed.left.message)}\n`);
    return 2;
  }
  if (parsed.right._tag === 'help') {
    process.stdout.write(
      `${renderHelp('npm run example:probabilistic -- [options]', 'Maximum likelihood: a mean and a variance by Gaussian NLL (calibrated ±2σ), and probabilities by Bernoulli NLL.', flagSpecs)}\n`,
    );
    return 0;
  }
  try {
    await runProbabilistic(parsed.right.options, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (error) {
    if (error instanceof PurenetError || error instanceof FigureWriteError) {
      process.stderr.write(`probabilistic: ${oneLine(error.message)}\n`);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
