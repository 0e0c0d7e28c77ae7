/**
 * Regression with several inputs and outputs: a 3 → 32 → 2 ReLU MLP (Kaiming-normal weights)
 * fitted by Adam on MSE in mini-batches, with the test MSE measured after every epoch.
 */
import { split, tensor, toArray, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { dense, relu, sequential } from '../../src/layers/index.js';
import { mse } from '../../src/losses/index.js';
import { adam, dataset, evaluate, fit } from '../../src/train/index.js';
import type { XY } from './data.js';

export const mlpModel = sequential({ lin_1: dense(3, 32, { init: 'kaimingNormal' }), act: relu, lin_2: dense(32, 2, { init: 'kaimingNormal' }) });

export interface MlpEpoch {
  /** 1-based. */
  readonly epoch: number;
  /** Mean of the epoch's batch losses (params changing during the epoch, as PyTorch prints it). */
  readonly trainLoss: number;
  /** MSE of the params at the end of the epoch on the test set. */
  readonly testLoss: number;
}

export interface MlpRun {
  readonly epochs: readonly MlpEpoch[];
  /** Test predictions of the trained model, row-major [test.size, 2]. */
  readonly predictions: Float32Array | Float64Array;
}

const toXY = (be: Backend, host: { readonly x: Float32Array; readonly xShape: readonly number[]; readonly y: Float32Array; readonly yShape: readonly number[] }) => ({
  x: tensor(be, host.x, host.xShape),
  y: tensor(be, host.y, host.yShape),
});

export const fitMlp = async (
  train: XY,
  test: XY,
  options: { readonly lr: number; readonly epochs: number; readonly batchSize: number; readonly key: Key; readonly backend: Backend; readonly onEpoch?: (epoch: MlpEpoch) => void },
): Promise<MlpRun> => {
  const { lr, epochs, batchSize, key, backend } = options;
  const [initKey, shuffleKey] = split(key, 2);
  const params = mlpModel.init(initKey, backend);
  type Params = typeof params;
  const trainSet = dataset({ features: train.x, featureShape: [3], labels: train.y, labelShape: [2] });
  const testSet = dataset({ features: test.x, featureShape: [3], labels: test.y, labelShape: [2] });
  const testMse = async (p: Params): Promise<number> =>
    (await evaluate((x) => mlpModel.apply(p, x), testSet, testSet.size, backend, { loss: (out, batch) => mse(out, tensor(backend, batch.y, batch.yShape)) })).loss ?? NaN;

  const history: MlpEpoch[] = [];
  const result = await fit({
    params,
    optimizer: adam({ lr }),
    loss: (p: Params, batch: { readonly x: Tensor; readonly y: Tensor }) => mse(mlpModel.apply(p, batch.x), batch.y),
    train: trainSet,
    batchSize,
    epochs,
    key: shuffleKey,
    backend,
    toBatch: (host, be) => toXY(be, host),
    onEpoch: async ({ epoch, loss, state }) => {
      const record = { epoch: epoch + 1, trainLoss: loss, testLoss: await testMse(state.params) };
      history.push(record);
      options.onEpoch?.(record);
      return { testLoss: record.testLoss };
    },
  });
  const predictions = await toArray(mlpModel.apply(result.params, tensor(backend, test.x, [test.size, 3])));
  return { epochs: history, predictions };
};
