/**
 * `npm run example:custom-layer [-- --flags]`: write a layer and an activation, certify their
 * gradients with purenet/testing, see a caught failure (intended), and train. Usage errors exit 2,
 * runtime errors and unexpected check outcomes 1; the intended failure does not change the code.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PurenetError } from '../../src/index.js';
import { oneLine } from '../../src/cli/failures.js';
import { renderHelp } from '../../src/cli/flags.js';
import { exitQuietlyOnBrokenPipe } from '../../src/cli/io.js';
import { flagSpecs, parseCustomLayerArgs } from './options.js';
import { runCustomLayer } from './run.js';

exitQuietlyOnBrokenPipe(process.stdout);

const main = async (argv: readonly string[]): Promise<number> => {
  const parsed = parseCustomLayerArgs(argv);
  if (E.isLeft(parsed)) {
    process.stderr.write(`custom-layer: ${oneLine(parsed.left.message)}\n`);
    return 2;
  }
  if (parsed.right._tag === 'help') {
    process.stdout.write(
      `${renderHelp('npm run example:custom-layer -- [options]', 'A user-written gated linear unit and customVjp activation, property-tested with purenet/testing (including one deliberately wrong rule), then trained.', flagSpecs)}\n`,
    );
    return 0;
  }
  try {
    const report = await runCustomLayer(parsed.right.options, (line) => process.stdout.write(`${line}\n`));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof PurenetError) {
      process.stderr.write(`custom-layer: ${oneLine(error.message)}\n`);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main(process.argv.slice(2));
