/**
 * `--resume PATH`: reads a training checkpoint written by `--save` and returns the state `fit`
 * continues from (params, Adam state, the next epoch, the training key). The checkpoint's stored
 * config must describe the same model (hidden units); options that change the run's numbers
 * (learning rate, batch size, data) may differ, and each difference is reported on the log,
 * because the result is then no longer the uninterrupted run's. Every failure is one
 * MnistRunError line (exit code 1).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Backend, Key, Tree } from '../../src/core/index.js';
import { checkpointConfig, formatSafetensorsError, readCheckpointFile, restoreCheckpoint, type SafetensorsError } from '../../src/io/index.js';
import { MnistRunError } from './errors.js';
import { configFileDecoder, fromConfigFields, type MnistOptions } from './options.js';

export interface ResumeContext<P extends Tree, S> {
  readonly options: MnistOptions;
  /** The model's params and `optimizer.init(params)`: the structure and shapes the checkpoint must have. */
  readonly params: P;
  readonly optState: S;
  readonly backend: Backend;
  readonly log: (line: string) => void;
}

export interface StartState<P extends Tree, S> {
  readonly params: P;
  readonly optState: S;
  /** fit's `startEpoch`. */
  readonly epoch: number;
  /** fit's `key`: the checkpoint's, so that every later epoch shuffles as it would have. */
  readonly key: Key;
}

/** Options whose difference changes the numbers of the resumed epochs. */
const compared = [
  ['lr', 'lr'],
  ['batchSize', 'batch-size'],
  ['trainSize', 'train-size'],
  ['backend', 'backend'],
  ['mode', 'mode'],
  ['data', 'data'],
] as const;

const orThrow = <A>(path: string, result: E.Either<SafetensorsError, A>): A => {
  if (E.isLeft(result)) throw new MnistRunError(`--resume ${path}: ${formatSafetensorsError(result.left)}`);
  return result.right;
};

export const resumeFrom = async <P extends Tree, S>(path: string, context: ResumeContext<P, S>): Promise<StartState<P, S>> => {
  const { options, backend, log } = context;
  const contents = orThrow(path, await readCheckpointFile(path));
  const stored = fromConfigFields(orThrow(path, checkpointConfig(contents, configFileDecoder, { source: path })));
  if (stored.hidden !== options.hidden) {
    throw new MnistRunError(`--resume ${path}: the checkpoint holds a 784-${stored.hidden}-10 model, the options ask for hidden ${options.hidden}; pass --hidden ${stored.hidden}`);
  }
  const { epoch, batch } = contents.position;
  if (batch !== 0) throw new MnistRunError(`--resume ${path}: the checkpoint stopped at batch ${batch} of epoch ${epoch}; this example resumes at epoch boundaries only`);
  if (options.epochs < epoch) {
    throw new MnistRunError(`--resume ${path}: --epochs ${options.epochs} is below the ${epoch} epochs the checkpoint has done (--epochs counts every epoch, including those before the checkpoint)`);
  }
  const restored = orThrow(path, restoreCheckpoint(contents, { params: context.params, optState: context.optState, backend, config: configFileDecoder }, { source: path }));
  log(`resumed from ${path}: ${epoch} epoch${epoch === 1 ? '' : 's'} done, step ${restored.step}`);
  const differences = compared.filter(([field]) => stored[field] !== options[field]).map(([field, flag]) => `--${flag} ${String(options[field] ?? 'default')} (checkpoint: ${String(stored[field] ?? 'default')})`);
  if (differences.length > 0) log(`resume: these options differ from the checkpoint's, so the run is no longer the uninterrupted one: ${differences.join(', ')}`);
  return { params: restored.params, optState: restored.optState, epoch, key: restored.key };
};
