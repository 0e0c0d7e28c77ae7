/**
 * `purenet predict --checkpoint F IMAGE…`: the digit a trained MNIST model reads in each image,
 * with its softmax probability. Every image is read and checked before anything is predicted, so
 * a bad file costs one error line and no partial output. stdout holds only the predictions (one
 * line per image, or JSON Lines with --json); the backend and checkpoint lines go to stderr.
 */
import * as E from 'fp-ts/lib/Either.js';
import { MNIST_CLASSES, predictMnist } from '../../examples/mnist/model.js';
import { UsageFailure } from './failures.js';
import { parseArgvWithOperands, renderHelp, type FlagSpecs } from './flags.js';
import { readImageInput, type ImageInput } from './image-input.js';
import type { CliIo } from './io.js';
import { modelFlagSpecs, modelOptions, withTrainedModel } from './trained-model.js';

const predictFlagSpecs: FlagSpecs = {
  ...modelFlagSpecs,
  invert: { help: 'the images are black ink on white paper (a drawing or a scan): invert them to MNIST\'s white on black' },
  json: { help: 'one JSON object per image on stdout (JSON Lines): file, index, prediction, probability, probabilities' },
};

export const predictHelp = (): string =>
  [
    renderHelp(
      'purenet predict --checkpoint FILE [options] IMAGE…',
      "Prints the digit a trained MNIST model reads in each IMAGE, with its softmax probability: `FILE: k (p=0.97)`, or `FILE#i: k (p=0.97)` for the i-th image of an IDX file.",
      predictFlagSpecs,
    ),
    '',
    'images:',
    '  a PNG of 28 × 28 pixels (gray, RGB or RGBA; converted to luminance, transparent = background), white digit on black like MNIST (else --invert);',
    '  or an IDX images file, plain or .gz (every image in it, e.g. t10k-images-idx3-ubyte.gz).',
  ].join('\n');

export interface Prediction {
  readonly file: string;
  /** Index in an IDX file; absent for a PNG. */
  readonly index?: number;
  readonly prediction: number;
  readonly probability: number;
  readonly probabilities: readonly number[];
}

/** `digit.png: 7 (p=0.97)`, `t10k-images-idx3-ubyte#3: 0 (p=1.00)`. */
export const formatPrediction = (p: Prediction): string => `${p.file}${p.index === undefined ? '' : `#${p.index}`}: ${p.prediction} (p=${p.probability.toFixed(2)})`;

/** Exit code 0, or throws UsageFailure / RuntimeFailure. */
export const predictCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const parsed = parseArgvWithOperands(argv, predictFlagSpecs);
  if (E.isLeft(parsed)) throw new UsageFailure(parsed.left.message);
  const { flags, operands } = parsed.right;
  if (flags.help === true) {
    io.stdout.write(`${predictHelp()}\n`);
    return 0;
  }
  const options = modelOptions(flags, 'predict');
  if (operands.length === 0) throw new UsageFailure('expected at least one IMAGE (a 28 × 28 PNG or an IDX images file); see purenet predict --help');
  const json = flags.json === true;
  const invert = flags.invert === true;
  const log = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };

  const inputs: ImageInput[] = [];
  for (const path of operands) inputs.push(await readImageInput(path, { invert }));
  const all = new Float32Array(inputs.reduce((n, input) => n + input.images.length, 0));
  inputs.reduce((offset, input) => {
    all.set(input.images, offset);
    return offset + input.images.length;
  }, 0);

  return withTrainedModel(options, log, async ({ model, params, backend }) => {
    const { predictions, probabilities } = await predictMnist(model, params, all, backend);
    let row = 0;
    for (const input of inputs) {
      for (let i = 0; i < input.count; i++, row++) {
        const rowProbabilities = Array.from(probabilities.subarray(row * MNIST_CLASSES, (row + 1) * MNIST_CLASSES));
        const prediction: Prediction = {
          file: input.path,
          ...(input.format === 'idx' ? { index: i } : {}),
          prediction: predictions[row],
          probability: rowProbabilities[predictions[row]],
          probabilities: rowProbabilities,
        };
        io.stdout.write(`${json ? JSON.stringify(prediction) : formatPrediction(prediction)}\n`);
      }
    }
    return 0;
  });
};
