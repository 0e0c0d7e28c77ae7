/**
 * The regression example's options: flag specs for `--help`, and an io-ts decoder that turns raw
 * flag strings into typed, range-checked options with defaults that run in a few seconds.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { choiceArg, intArg, positiveNumberArg, stringArg, type FlagSpecs, type UsageError, parseCommand, type ParsedCommand } from '../../src/cli/flags.js';

export const backendNames = ['cpu', 'reference'] as const;
export type BackendChoice = (typeof backendNames)[number];

export interface RegressionOptions {
  /** Seed of every key: data, initialisation, shuffling. */
  readonly seed: number;
  /** Points of the 1-D line data. */
  readonly samples: number;
  /** Full-batch gradient-descent steps for the line (and for the diverging run). */
  readonly steps: number;
  /** Step size of the line's gradient descent. */
  readonly lr: number;
  /** A step size too large for this data: the run that diverges. */
  readonly divergeLr: number;
  /** Training examples of the 3 → 32 → 2 MLP (a quarter as many test examples). */
  readonly mlpSamples: number;
  readonly mlpEpochs: number;
  readonly mlpLr: number;
  readonly batchSize: number;
  readonly backend: BackendChoice;
  /** Directory to write the pictures to (SVG and PNG); none when undefined. */
  readonly plots: string | undefined;
}

export const defaults: RegressionOptions = {
  seed: 0,
  samples: 200,
  steps: 100,
  lr: 0.1,
  divergeLr: 1,
  mlpSamples: 1000,
  mlpEpochs: 40,
  mlpLr: 0.01,
  batchSize: 32,
  backend: 'cpu',
  plots: undefined,
};

export const flagSpecs: FlagSpecs = {
  seed: { value: 'N', help: 'seed of the PRNG key (data, init, shuffling)', default: String(defaults.seed) },
  samples: { value: 'N', help: 'points of the noisy line y = 3x + 2 + noise', default: String(defaults.samples) },
  steps: { value: 'N', help: 'full-batch gradient-descent steps on the line', default: String(defaults.steps) },
  lr: { value: 'X', help: 'step size of gradient descent on the line', default: String(defaults.lr) },
  'diverge-lr': { value: 'X', help: 'a step size too large for the line (shows divergence)', default: String(defaults.divergeLr) },
  'mlp-samples': { value: 'N', help: 'training examples of the 3-32-2 MLP (test: a quarter as many)', default: String(defaults.mlpSamples) },
  'mlp-epochs': { value: 'N', help: 'epochs of the MLP', default: String(defaults.mlpEpochs) },
  'mlp-lr': { value: 'X', help: 'Adam learning rate of the MLP', default: String(defaults.mlpLr) },
  'batch-size': { value: 'N', help: 'examples per Adam step of the MLP', default: String(defaults.batchSize) },
  backend: { value: 'NAME', help: backendNames.join(' | '), default: defaults.backend },
  plots: { value: 'DIR', help: 'write the pictures (SVG and PNG) to DIR', default: 'none' },
};

const flagsDecoder = D.partial({
  seed: intArg(0),
  samples: intArg(2),
  steps: intArg(1),
  lr: positiveNumberArg,
  'diverge-lr': positiveNumberArg,
  'mlp-samples': intArg(4),
  'mlp-epochs': intArg(1),
  'mlp-lr': positiveNumberArg,
  'batch-size': intArg(1),
  backend: choiceArg(backendNames),
  plots: stringArg,
});

const withDefaults = (raw: D.TypeOf<typeof flagsDecoder>): RegressionOptions => ({
  seed: raw.seed ?? defaults.seed,
  samples: raw.samples ?? defaults.samples,
  steps: raw.steps ?? defaults.steps,
  lr: raw.lr ?? defaults.lr,
  divergeLr: raw['diverge-lr'] ?? defaults.divergeLr,
  mlpSamples: raw['mlp-samples'] ?? defaults.mlpSamples,
  mlpEpochs: raw['mlp-epochs'] ?? defaults.mlpEpochs,
  mlpLr: raw['mlp-lr'] ?? defaults.mlpLr,
  batchSize: raw['batch-size'] ?? defaults.batchSize,
  backend: raw.backend ?? defaults.backend,
  plots: raw.plots,
});

export type ParsedArgs = ParsedCommand<RegressionOptions>;

/** argv (without node and script) → options, `--help`, or a usage error. */
export const parseRegressionArgs = (argv: readonly string[]): E.Either<UsageError, ParsedArgs> => parseCommand(argv, flagSpecs, flagsDecoder, withDefaults);
