/**
 * The probabilistic example's options: flag specs for `--help`, and an io-ts decoder that turns
 * raw flag strings into typed, range-checked options with defaults that run in seconds.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { choiceArg, intArg, positiveNumberArg, stringArg, type FlagSpecs, type UsageError, parseCommand, type ParsedCommand } from '../../src/cli/flags.js';
import { varianceHeads, type VarianceHead } from './models.js';

export const backendNames = ['cpu', 'reference'] as const;
export type BackendChoice = (typeof backendNames)[number];

export interface ProbabilisticOptions {
  readonly seed: number;
  /** Training points of the Gaussian regression (as many test points). */
  readonly samples: number;
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly varianceHead: VarianceHead;
  /** Training points of the binary task (as many test points). */
  readonly bernoulliSamples: number;
  readonly bernoulliEpochs: number;
  readonly backend: BackendChoice;
  readonly plots: string | undefined;
}

export const defaults: ProbabilisticOptions = {
  seed: 0,
  samples: 1000,
  epochs: 200,
  lr: 0.005,
  batchSize: 100,
  varianceHead: 'logvar',
  bernoulliSamples: 1000,
  bernoulliEpochs: 60,
  backend: 'cpu',
  plots: undefined,
};

export const flagSpecs: FlagSpecs = {
  seed: { value: 'N', help: 'seed of the PRNG key (data, init, shuffling)', default: String(defaults.seed) },
  samples: { value: 'N', help: 'training points of the Gaussian regression (and as many test points)', default: String(defaults.samples) },
  epochs: { value: 'N', help: 'epochs of the Gaussian regression', default: String(defaults.epochs) },
  lr: { value: 'X', help: 'Adam learning rate (both models)', default: String(defaults.lr) },
  'batch-size': { value: 'N', help: 'examples per Adam step (both models)', default: String(defaults.batchSize) },
  'variance-head': { value: 'NAME', help: 'logvar (σ² = exp(s)) | softplus (σ² = softplus(s) + 1e-6)', default: defaults.varianceHead },
  'bernoulli-samples': { value: 'N', help: 'training points of the binary task (and as many test points)', default: String(defaults.bernoulliSamples) },
  'bernoulli-epochs': { value: 'N', help: 'epochs of the binary task', default: String(defaults.bernoulliEpochs) },
  backend: { value: 'NAME', help: backendNames.join(' | '), default: defaults.backend },
  plots: { value: 'DIR', help: 'write the pictures (SVG and PNG) to DIR', default: 'none' },
};

const flagsDecoder = D.partial({
  seed: intArg(0),
  samples: intArg(10),
  epochs: intArg(1),
  lr: positiveNumberArg,
  'batch-size': intArg(1),
  'variance-head': choiceArg(varianceHeads),
  'bernoulli-samples': intArg(10),
  'bernoulli-epochs': intArg(1),
  backend: choiceArg(backendNames),
  plots: stringArg,
});

const withDefaults = (raw: D.TypeOf<typeof flagsDecoder>): ProbabilisticOptions => ({
  seed: raw.seed ?? defaults.seed,
  samples: raw.samples ?? defaults.samples,
  epochs: raw.epochs ?? defaults.epochs,
  lr: raw.lr ?? defaults.lr,
  batchSize: raw['batch-size'] ?? defaults.batchSize,
  varianceHead: raw['variance-head'] ?? defaults.varianceHead,
  bernoulliSamples: raw['bernoulli-samples'] ?? defaults.bernoulliSamples,
  bernoulliEpochs: raw['bernoulli-epochs'] ?? defaults.bernoulliEpochs,
  backend: raw.backend ?? defaults.backend,
  plots: raw.plots,
});

export type ParsedArgs = ParsedCommand<ProbabilisticOptions>;

/** argv (without node and script) → options, `--help`, or a usage error. */
export const parseProbabilisticArgs = (argv: readonly string[]): E.Either<UsageError, ParsedArgs> => parseCommand(argv, flagSpecs, flagsDecoder, withDefaults);
