/**
 * A trained MNIST model from a file: a training checkpoint written by `--save` (the hidden size
 * comes from its stored config; the optimizer state is ignored), or a plain state dict such as
 * `safetensors.torch.save_file(model.state_dict(), path)` from the lecture's PyTorch model (the
 * hidden size comes from `lin_1.weight`'s shape). Loading is strict: every name and shape must be
 * the model's. Every failure is one MnistRunError line naming the file.
 */
import * as E from 'fp-ts/lib/Either.js';
import { key, type Backend } from '../../src/core/index.js';
import {
  checkpointConfig,
  formatSafetensorsError,
  loadStateDict,
  OPTIMIZER_PREFIX,
  readCheckpointFile,
  readSafetensorsFile,
  type Safetensors,
  type SafetensorsError,
} from '../../src/io/index.js';
import { MnistRunError } from './errors.js';
import { mnistModel, MNIST_FEATURES, type MnistModel, type MnistParams } from './model.js';
import { configFileDecoder, fromConfigFields, type MnistOptions } from './options.js';

export interface TrainedMnist {
  readonly model: MnistModel;
  readonly params: MnistParams;
  readonly hidden: number;
  /** What the file held, e.g. `training checkpoint after 3 epochs (step 705)` or `state dict`. */
  readonly description: string;
  /** A training checkpoint's stored options (its data folder, test size, …); absent for a state dict. */
  readonly options?: MnistOptions;
}

const orThrow = <A>(result: E.Either<SafetensorsError, A>): A => {
  if (E.isLeft(result)) throw new MnistRunError(formatSafetensorsError(result.left));
  return result.right;
};

/** The params of a file's tensors (opt.* excluded), strictly matched to the 784-hidden-10 model. */
const paramsFrom = (path: string, file: Safetensors, hidden: number, backend: Backend): { readonly model: MnistModel; readonly params: MnistParams } => {
  const model = mnistModel(hidden);
  // Only names and shapes of the template are used; its values are replaced.
  const template = model.init(key(0), backend);
  const params = orThrow(loadStateDict(template, file, backend, { source: path }));
  return { model, params };
};

const hiddenOfStateDict = (path: string, file: Safetensors): number => {
  const weight = file.tensors.find((t) => t.name === 'lin_1.weight');
  if (weight === undefined || weight.shape.length !== 2 || weight.shape[1] !== MNIST_FEATURES) {
    const found = weight === undefined ? `no lin_1.weight (tensors: ${file.tensors.map((t) => t.name).join(', ') || 'none'})` : `lin_1.weight [${weight.shape.join(', ')}]`;
    throw new MnistRunError(`loadTrainedMnist(${path}): expected a training checkpoint written by --save or a state dict of the 784-N-10 MLP (lin_1.weight [N, 784]), got ${found}`);
  }
  return weight.shape[0];
};

/** Loads the model and its trained params from `path` onto `backend`; throws MnistRunError. */
export const loadTrainedMnist = async (path: string, backend: Backend): Promise<TrainedMnist> => {
  const checkpoint = await readCheckpointFile(path);
  if (E.isRight(checkpoint)) {
    const contents = checkpoint.right;
    const options = fromConfigFields(orThrow(checkpointConfig(contents, configFileDecoder, { source: path })));
    const paramsOnly: Safetensors = { ...contents.file, tensors: contents.file.tensors.filter((t) => !t.name.startsWith(`${OPTIMIZER_PREFIX}.`)) };
    const { epoch } = contents.position;
    return {
      ...paramsFrom(path, paramsOnly, options.hidden, backend),
      hidden: options.hidden,
      description: `training checkpoint after ${epoch} epoch${epoch === 1 ? '' : 's'} (step ${contents.step})`,
      options,
    };
  }
  // Not a training checkpoint: a plain state dict is fine too; anything else keeps its own error.
  if (checkpoint.left._tag !== 'BadMetadata') throw new MnistRunError(formatSafetensorsError(checkpoint.left));
  const file = await readSafetensorsFile(path);
  if (E.isLeft(file) || Object.hasOwn(file.right.metadata, 'purenet.format')) throw new MnistRunError(formatSafetensorsError(checkpoint.left));
  const hidden = hiddenOfStateDict(path, file.right);
  return { ...paramsFrom(path, file.right, hidden, backend), hidden, description: 'state dict' };
};
