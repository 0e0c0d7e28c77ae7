/**
 * `npm run mnist [-- --flags]`: the lecture's MNIST run from the command line. Usage and config
 * errors exit with code 2 (one line, or io-ts' error tree for a value that does not decode),
 * runtime errors (data, checkpoints) with code 1 and one line; never a stack trace for a mistake
 * the user can fix.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../../src/core/index.js';
import { renderHelp } from '../../src/cli/flags.js';
import { flagSpecs, resolveMnistArgs } from './options.js';
import { MnistRunError, runMnist } from './run.js';

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
  try {
    await runMnist(parsed.right.options, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (error) {
    if (error instanceof MnistRunError || error instanceof PurenetError) {
      process.stderr.write(`mnist: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
