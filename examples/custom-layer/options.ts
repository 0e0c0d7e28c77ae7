/**
 * The custom-layer example's options: flag specs for `--help` and an io-ts decoder from raw flag
 * strings to typed, range-checked options, with defaults that run in a few seconds.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { choiceArg, intArg, positiveNumberArg, type FlagSpecs, type UsageError, parseCommand, type ParsedCommand } from '../../src/cli/flags.js';

export const backendNames = ['cpu', 'reference'] as const;
export type BackendChoice = (typeof backendNames)[number];

export interface CustomLayerOptions {
  /** Seed of the fast-check runs and of every PRNG key (data, init). */
  readonly seed: number;
  /** Draws per property (each draw is one gradient check). */
  readonly runs: number;
  /** Training examples of the synthetic task. */
  readonly samples: number;
  /** Full-batch Adam steps. */
  readonly steps: number;
  readonly lr: number;
  /** Backend of the training run (gradient checks always run in float64 on the reference backend). */
  readonly backend: BackendChoice;
}

export const defaults: CustomLayerOptions = { seed: 0, runs: 10, samples: 256, steps: 300, lr: 0.02, backend: 'cpu' };

export const flagSpecs: FlagSpecs = {
  seed: { value: 'N', help: 'seed of the property runs, the data and the initialisation', default: String(defaults.seed) },
  runs: { value: 'N', help: 'draws per property (one gradient check each)', default: String(defaults.runs) },
  samples: { value: 'N', help: 'training examples of the synthetic regression', default: String(defaults.samples) },
  steps: { value: 'N', help: 'full-batch Adam steps', default: String(defaults.steps) },
  lr: { value: 'X', help: 'Adam learning rate', default: String(defaults.lr) },
  backend: { value: 'NAME', help: `training backend: ${backendNames.join(' | ')}`, default: defaults.backend },
};

const flagsDecoder = D.partial({
  seed: intArg(0, 2 ** 31 - 1),
  runs: intArg(1, 10000),
  samples: intArg(2),
  steps: intArg(1),
  lr: positiveNumberArg,
  backend: choiceArg(backendNames),
});

export type ParsedArgs = ParsedCommand<CustomLayerOptions>;

/** argv (without node and script) → options, `--help`, or a usage error. */
export const parseCustomLayerArgs = (argv: readonly string[]): E.Either<UsageError, ParsedArgs> => parseCommand(argv, flagSpecs, flagsDecoder, (flags) => ({ ...defaults, ...flags }));
