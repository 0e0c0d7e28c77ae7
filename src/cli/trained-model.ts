/**
 * What `purenet eval` and `purenet predict` share: the `--checkpoint` and backend flags, and
 * running a function with the trained MNIST model loaded on the chosen backend. The backend is
 * started first (its description is reported), the checkpoint loaded next; every failure on the
 * way is a RuntimeFailure line (exit code 1), and the backend is let go of at the end.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';
import { PurenetError, type Backend } from '../core/index.js';
import { MnistRunError } from '../../examples/mnist/errors.js';
import { loadTrainedMnist, type TrainedMnist } from '../../examples/mnist/trained.js';
import { backendFields, backendFlagSpecs, checkBackendOptions, makeBackend, type BackendOptions } from './backend-choice.js';
import { oneLine, RuntimeFailure, UsageFailure } from './failures.js';
import { decodeWith, pathArg, type FlagSpecs, type RawFlags } from './flags.js';

/** `--checkpoint` and the backend flags. */
export const modelFlagSpecs: FlagSpecs = {
  checkpoint: { value: 'FILE', help: 'a training checkpoint written by --save (or a safetensors state dict of the 784-N-10 MLP); required' },
  ...backendFlagSpecs,
};

const modelFields = { checkpoint: pathArg, ...backendFields };

export interface ModelOptions extends BackendOptions {
  readonly checkpoint: string;
}

/**
 * Decodes the model flags out of `raw` (other flags are the caller's) into options; a missing
 * `--checkpoint` or a bad combination is a UsageFailure (exit code 2). `command` names it.
 */
export const modelOptions = (raw: RawFlags, command: string): ModelOptions => {
  // D.partial keeps only its own fields; the caller decodes the rest of `raw`.
  const decoded = pipe(
    decodeWith(D.partial(modelFields), raw, 'options'),
    E.chain((flags) => checkBackendOptions({ backend: flags.backend ?? 'cpu', mode: flags.mode ?? (flags.backend === 'gpujs' ? 'auto' : undefined), threads: flags.threads, checkpoint: flags.checkpoint })),
  );
  if (E.isLeft(decoded)) throw new UsageFailure(oneLine(decoded.left.message));
  const { checkpoint } = decoded.right;
  if (checkpoint === undefined) throw new UsageFailure(`expected --checkpoint FILE (a checkpoint written by purenet train mnist --save); see purenet ${command} --help`);
  return { ...decoded.right, checkpoint };
};

/** A runtime failure from the layers below, as one line; anything else (a bug) unchanged. */
export const asRuntimeFailure = (error: unknown): unknown =>
  error instanceof MnistRunError || error instanceof PurenetError ? new RuntimeFailure(oneLine(error.message)) : error;

export interface LoadedModel extends TrainedMnist {
  readonly backend: Backend;
}

/**
 * Starts the backend, reports it and the checkpoint through `log`, and runs `use` with the
 * trained model; resolves to what `use` returns. Throws RuntimeFailure on a backend that cannot
 * run or a checkpoint that cannot be loaded.
 */
export const withTrainedModel = async <A>(options: ModelOptions, log: (line: string) => void, use: (loaded: LoadedModel) => Promise<A>): Promise<A> => {
  let owned: Awaited<ReturnType<typeof makeBackend>>;
  try {
    owned = await makeBackend(options);
  } catch (error) {
    throw asRuntimeFailure(error);
  }
  try {
    log(`backend: ${owned.backend.description}`);
    const trained = await loadTrainedMnist(options.checkpoint, owned.backend);
    log(`checkpoint: ${options.checkpoint} (${trained.description}: 784-${trained.hidden}-10 ReLU MLP)`);
    return await use({ ...trained, backend: owned.backend });
  } catch (error) {
    throw asRuntimeFailure(error);
  } finally {
    await owned.close();
  }
};
