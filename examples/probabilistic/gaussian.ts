/**
 * Heteroscedastic regression by maximum likelihood: the Gaussian model is trained by Adam on the
 * Gaussian negative log-likelihood (with its constant, so the numbers are true NLLs in nats), then
 * asked for its mean and σ on the test inputs and on a grid of x.
 */
import { split, sqrt, tensor, toArray, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { gaussianNll, gaussianNllLogVar } from '../../src/losses/index.js';
import { adam, dataset, fit } from '../../src/train/index.js';
import type { Samples } from './data.js';
import { gaussianModel, varianceOf, type GaussianParams, type VarianceHead } from './models.js';

export interface GaussianPrediction {
  readonly mean: Float32Array | Float64Array;
  readonly std: Float32Array | Float64Array;
}

export interface GaussianRun {
  /** Mean training NLL per epoch (nats per point; params changing during the epoch). */
  readonly trainNll: readonly number[];
  /** Mean test NLL of the params at the end of each epoch. */
  readonly testNll: readonly number[];
  /** The trained model's mean and σ at inputs x [N]. */
  readonly predict: (x: ArrayLike<number>) => Promise<GaussianPrediction>;
}

/** Gaussian NLL per example (full: with 0.5 log 2π), batch mean; y [N, 1]. */
export const gaussianLoss = (head: VarianceHead, params: GaussianParams, x: Tensor, y: Tensor): Tensor => {
  const { mean, raw } = gaussianModel.apply(params, x);
  return head === 'logvar' ? gaussianNllLogVar(mean, y, raw, { full: true }) : gaussianNll(mean, y, varianceOf(head, raw), { full: true });
};

/** Mean Gaussian NLL (nats, with the constant) of targets y under N(mean, std²), in float64 on the host. */
export const meanGaussianNll = (y: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < y.length; i++) total += 0.5 * Math.log(2 * Math.PI) + Math.log(std[i]) + (0.5 * (y[i] - mean[i]) ** 2) / (std[i] * std[i]);
  return total / y.length;
};

export const fitGaussian = async (
  train: Samples,
  test: Samples,
  options: {
    readonly head: VarianceHead;
    readonly lr: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly key: Key;
    readonly backend: Backend;
    readonly onEpoch?: (epoch: number, trainNll: number, testNll: number) => void;
  },
): Promise<GaussianRun> => {
  const { head, lr, epochs, batchSize, key, backend } = options;
  const [initKey, shuffleKey] = split(key, 2);
  const predictWith = async (params: GaussianParams, x: ArrayLike<number>): Promise<GaussianPrediction> => {
    const out = gaussianModel.apply(params, tensor(backend, x, [x.length, 1]));
    const [mean, std] = await Promise.all([toArray(out.mean), toArray(sqrt(varianceOf(head, out.raw)))]);
    return { mean, std };
  };
  const testNll: number[] = [];
  const result = await fit({
    params: gaussianModel.init(initKey, backend),
    optimizer: adam({ lr }),
    loss: (p: GaussianParams, batch: { readonly x: Tensor; readonly y: Tensor }) => gaussianLoss(head, p, batch.x, batch.y),
    train: dataset({ features: train.x, featureShape: [1], labels: train.y, labelShape: [1] }),
    batchSize,
    epochs,
    key: shuffleKey,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), y: tensor(be, host.y, host.yShape) }),
    onEpoch: async ({ epoch, loss, state }) => {
      const { mean, std } = await predictWith(state.params, test.x);
      const nll = meanGaussianNll(test.y, mean, std);
      testNll.push(nll);
      options.onEpoch?.(epoch + 1, loss, nll);
      return { testNll: nll };
    },
  });
  return { trainNll: result.history.map((h) => h.loss), testNll, predict: (x) => predictWith(result.params, x) };
};
