/**
 * Binary classification by maximum likelihood: the Bernoulli model's logit is trained by Adam on
 * binary cross-entropy with logits (the Bernoulli NLL, computed stably from the logit), with the
 * test accuracy measured after every epoch; the trained model then gives P(y = 1 | x).
 */
import { split, tensor, toArray, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { sigmoid } from '../../src/layers/index.js';
import { binaryCrossEntropyWithLogits } from '../../src/losses/index.js';
import { adam, dataset, fit } from '../../src/train/index.js';
import type { Samples } from './data.js';
import { bernoulliModel } from './models.js';

export interface BernoulliEpoch {
  /** 1-based. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

export interface BernoulliRun {
  readonly epochs: readonly BernoulliEpoch[];
  /** P(y = 1 | x) of the trained model on the test inputs, [test.size]. */
  readonly probabilities: Float32Array | Float64Array;
}

/** Mean BCE and accuracy (threshold 1/2) of probabilities p for 0/1 labels, in float64 on the host. */
export const scoreProbabilities = (p: ArrayLike<number>, labels: ArrayLike<number>): { readonly loss: number; readonly accuracy: number } => {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
    loss -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
    if ((p[i] >= 0.5 ? 1 : 0) === labels[i]) correct++;
  }
  return { loss: loss / p.length, accuracy: correct / p.length };
};

export const fitBernoulli = async (
  train: Samples,
  test: Samples,
  options: { readonly lr: number; readonly epochs: number; readonly batchSize: number; readonly key: Key; readonly backend: Backend; readonly onEpoch?: (e: BernoulliEpoch) => void },
): Promise<BernoulliRun> => {
  const { lr, epochs, batchSize, key, backend } = options;
  const [initKey, shuffleKey] = split(key, 2);
  type Params = ReturnType<typeof bernoulliModel.init>;
  const testX = tensor(backend, test.x, [test.size, 2]);
  const probabilitiesOf = async (p: Params) => toArray(sigmoid(bernoulliModel.apply(p, testX)));
  const history: BernoulliEpoch[] = [];
  const result = await fit({
    params: bernoulliModel.init(initKey, backend),
    optimizer: adam({ lr }),
    loss: (p: Params, batch: { readonly x: Tensor; readonly y: Tensor }) => binaryCrossEntropyWithLogits(bernoulliModel.apply(p, batch.x), batch.y),
    train: dataset({ features: train.x, featureShape: [2], labels: train.y, labelShape: [1] }),
    batchSize,
    epochs,
    key: shuffleKey,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), y: tensor(be, host.y, host.yShape) }),
    onEpoch: async ({ epoch, loss, state }) => {
      const score = scoreProbabilities(await probabilitiesOf(state.params), test.y);
      const record = { epoch: epoch + 1, trainLoss: loss, testLoss: score.loss, testAccuracy: score.accuracy };
      history.push(record);
      options.onEpoch?.(record);
      return { testLoss: score.loss, testAccuracy: score.accuracy };
    },
  });
  return { epochs: history, probabilities: await probabilitiesOf(result.params) };
};
