/**
 * Training checkpoints: everything `fit` needs to continue as if it had never stopped, in ONE
 * safetensors file. Tensors: the parameters under their PyTorch names (`lin_1.weight`) and the
 * optimizer state's tensors under `opt.<path>` (`opt.1.mu.lin_1.weight` is Adam's first moment of
 * `lin_1.weight` in `adam()`'s chain). `__metadata__` (strings, JSON where structured):
 *
 *   format            "pt"
 *   purenet.format    "purenet.training-checkpoint/1"
 *   purenet.step      optimizer updates applied, e.g. "4"
 *   purenet.position  the next batch to train: {"epoch":2,"batch":0}
 *   purenet.key       the training key's two uint32 words, e.g. [1797259012,2453335099]
 *   purenet.optimizer the optimizer state's scalars by path, e.g. {"1.count":4,"2.count":4}
 *   purenet.config    the training configuration (any JSON; the caller's io-ts decoder reads it)
 *   purenet.crc32     CRC-32 of the contents
 *
 * Epoch e's randomness in `fit` is a function of (key, e), so params, optimizer state, step, key
 * and position restore the run bit for bit. A PyTorch user loads the parameters with
 * `model.load_state_dict({k: v for k, v in load_file(path).items() if not k.startswith('opt.')})`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';
import { flattenTree, keyFromWords, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { entries, jsonScalar, jsonString, nonNegativeInteger, uint32, type JsonScalar } from './codecs.js';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.js';
import { safetensorsError, type SafetensorsError } from './safetensors-error.js';
import { baseMetadata, downloadTensors, tensorsByName } from './state-dict.js';
import { describeProblems, flattenState, restoreState, type StateProblem } from './state-tree.js';

export const CHECKPOINT_FORMAT = 'purenet.training-checkpoint/1';
/** Optimizer-state tensors are named `opt.<path>`. */
export const OPTIMIZER_PREFIX = 'opt';

/** Where the data stream stands: the next batch to train is batch `batch` of epoch `epoch`. */
export interface DataPosition {
  readonly epoch: number;
  readonly batch: number;
}

export interface TrainingCheckpoint<P extends Tree, S, C = unknown> {
  readonly params: P;
  readonly optState: S;
  /** Optimizer updates applied so far (fit's `step`). */
  readonly step: number;
  /** At an epoch boundary `{ epoch: epochsDone, batch: 0 }`, which is fit's `startEpoch`. */
  readonly position: DataPosition;
  /** The training key (fit's `key`), not a key derived from it. */
  readonly key: Key;
  /** The training configuration; must survive JSON.stringify. */
  readonly config: C;
}

const keyWords: D.Decoder<unknown, readonly [number, number]> = {
  decode: (u) =>
    Array.isArray(u) && u.length === 2 && E.isRight(uint32.decode(u[0])) && E.isRight(uint32.decode(u[1]))
      ? D.success([u[0] as number, u[1] as number] as const)
      : D.failure(u, 'a key: [word0, word1], two integers in [0, 2^32 - 1]'),
};

/** The checkpoint's metadata (io-ts; keys other than these are ignored). */
export const checkpointMetadataDecoder = D.struct({
  'purenet.format': D.literal(CHECKPOINT_FORMAT),
  'purenet.step': jsonString(nonNegativeInteger),
  'purenet.position': jsonString(D.struct({ epoch: nonNegativeInteger, batch: nonNegativeInteger })),
  'purenet.key': jsonString(keyWords),
  'purenet.optimizer': jsonString(entries(jsonScalar)),
  'purenet.config': jsonString(D.id<unknown>()),
});

const scalarsJson = (scalars: ReadonlyArray<readonly [string, JsonScalar]>): string =>
  `{${scalars.map(([path, value]) => `${JSON.stringify(path)}:${JSON.stringify(value)}`).join(',')}}`;

/** The checkpoint's bytes. Throws (a caller's bug) on a state leaf that cannot be saved or a config that is not JSON. */
export const encodeCheckpoint = async <P extends Tree, S, C>(checkpoint: TrainingCheckpoint<P, S, C>): Promise<Uint8Array> => {
  const { params, optState, step, position, key, config } = checkpoint;
  const optimizer = flattenState('encodeCheckpoint', optState, OPTIMIZER_PREFIX);
  const configJson = JSON.stringify(config);
  if (configJson === undefined) throw new TypeError('encodeCheckpoint: expected a JSON-serialisable config, got undefined');
  const metadata: Record<string, string> = {
    ...baseMetadata,
    'purenet.format': CHECKPOINT_FORMAT,
    'purenet.step': JSON.stringify(step),
    'purenet.position': JSON.stringify({ epoch: position.epoch, batch: position.batch }),
    'purenet.key': JSON.stringify(key.words),
    'purenet.optimizer': scalarsJson(optimizer.scalars),
    'purenet.config': configJson,
  };
  const named: ReadonlyArray<readonly [string, Tensor]> = [...flattenTree(params), ...optimizer.tensors];
  return encodeSafetensors(await downloadTensors(named), { metadata, checksum: true });
};

/** A decoded checkpoint before it meets a model: metadata typed, tensors validated but not matched. */
export interface CheckpointContents {
  readonly step: number;
  readonly position: DataPosition;
  readonly key: Key;
  /** The stored configuration as parsed JSON; `checkpointConfig` decodes it. */
  readonly config: unknown;
  readonly optimizerScalars: ReadonlyMap<string, JsonScalar>;
  readonly file: Safetensors;
}

export interface CheckpointSourceOptions {
  /** Names the file in error messages. */
  readonly source?: string;
}

const apiName = (api: string, source: string | undefined): string => (source === undefined ? api : `${api}(${source})`);

/** Validates the file (layout, checksum) and decodes its metadata. Left on anything inconsistent; never throws. */
export const decodeCheckpoint = (bytes: Uint8Array, options: CheckpointSourceOptions = {}): E.Either<SafetensorsError, CheckpointContents> => {
  const { source } = options;
  const api = apiName('decodeCheckpoint', source);
  const file = decodeSafetensors(bytes, options);
  if (E.isLeft(file)) return file;
  const { metadata } = file.right;
  if (!Object.hasOwn(metadata, 'purenet.format')) {
    return E.left(safetensorsError('BadMetadata', `${api}: a safetensors file, but not a purenet training checkpoint (no purenet.format in __metadata__); to load parameters alone, use loadParams`, source));
  }
  return pipe(
    checkpointMetadataDecoder.decode(metadata),
    E.mapLeft((error) => safetensorsError('BadMetadata', `${api}: the checkpoint metadata does not decode:\n${D.draw(error)}`, source)),
    E.map((m) => ({
      step: m['purenet.step'],
      position: m['purenet.position'],
      key: keyFromWords(m['purenet.key']),
      config: m['purenet.config'],
      optimizerScalars: new Map(m['purenet.optimizer']),
      file: file.right,
    })),
  );
};

/** The stored configuration, decoded by the caller's io-ts decoder (Left `BadMetadata` with the error tree). */
export const checkpointConfig = <C>(contents: CheckpointContents, decoder: D.Decoder<unknown, C>, options: CheckpointSourceOptions = {}): E.Either<SafetensorsError, C> =>
  pipe(
    decoder.decode(contents.config),
    E.mapLeft((error) => safetensorsError('BadMetadata', `${apiName('checkpointConfig', options.source)}: the stored purenet.config does not decode:\n${D.draw(error)}`, options.source)),
  );

/** What a checkpoint loads into: the model's params and the optimizer's state (their structure and shapes), and a config decoder. */
export interface CheckpointTemplate<P extends Tree, S, C> {
  readonly params: P;
  /** `optimizer.init(params)`: the structure the stored state must have. */
  readonly optState: S;
  readonly backend: Backend;
  readonly config: D.Decoder<unknown, C>;
}

/**
 * The checkpoint as live values on `template.backend`. Strict: the file must hold exactly the
 * params and optimizer-state tensors (and scalars) the template has, with its shapes; one
 * `Mismatch` error lists every difference. Nothing is returned partially.
 */
export const restoreCheckpoint = <P extends Tree, S, C>(
  contents: CheckpointContents,
  template: CheckpointTemplate<P, S, C>,
  options: CheckpointSourceOptions = {},
): E.Either<SafetensorsError, TrainingCheckpoint<P, S, C>> => {
  const { source } = options;
  const config = checkpointConfig(contents, template.config, options);
  if (E.isLeft(config)) return config;
  const available = tensorsByName(contents.file);
  const stateSource = { tensor: (name: string) => available.get(name), scalar: (path: string) => contents.optimizerScalars.get(path) };
  const problems: StateProblem[] = [];
  const params = restoreState(template.params, '', stateSource, template.backend, problems) as P;
  const optState = restoreState(template.optState, OPTIMIZER_PREFIX, stateSource, template.backend, problems) as S;
  const expectedOpt = flattenState('restoreCheckpoint', template.optState, OPTIMIZER_PREFIX);
  const expectedNames = new Set([...flattenTree(template.params).map(([name]) => name), ...expectedOpt.tensors.map(([name]) => name)]);
  const expectedScalars = new Set(expectedOpt.scalars.map(([path]) => path));
  const unexpected = [
    ...contents.file.tensors.map((t) => t.name).filter((name) => !expectedNames.has(name)),
    ...[...contents.optimizerScalars.keys()].filter((path) => !expectedScalars.has(path)).map((path) => `${OPTIMIZER_PREFIX}.${path} (scalar)`),
  ];
  if (problems.length > 0 || unexpected.length > 0) {
    return E.left(
      safetensorsError('Mismatch', `${apiName('restoreCheckpoint', source)}: the checkpoint does not match the model and optimizer: ${describeProblems(problems, unexpected)}`, source),
    );
  }
  return E.right({ params, optState, step: contents.step, position: contents.position, key: contents.key, config: config.right });
};
