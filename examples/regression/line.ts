/**
 * The lecture's first model: y = w x + b as `dense(1, 1)` (PyTorch's `nn.Linear(1, 1)`), fitted
 * by full-batch gradient descent on MSE — `fit` with one batch per epoch, so an epoch is a step.
 * A run either converges, or diverges: a non-finite loss (fit's NonFiniteLossError) or a loss
 * that ends far above where it started.
 */
import { split, tensor, toArray, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { dense } from '../../src/layers/index.js';
import { mse } from '../../src/losses/index.js';
import { dataset, fit, NonFiniteLossError, sgd } from '../../src/train/index.js';
import type { XY } from './data.js';

export interface LineRun {
  readonly lr: number;
  /** Loss at the params before each step (step 0 = the initial params). */
  readonly losses: readonly number[];
  /** Learned w and b (for a run stopped by a non-finite loss: the params that gave it). */
  readonly w: number;
  readonly b: number;
  /** Present when the run diverged. */
  readonly divergence?: {
    /** The step whose loss was non-finite, or undefined when it only grew. */
    readonly nonFiniteAt?: number;
    readonly lastLoss: number;
  };
}

/** Losses this much above the initial one count as divergence even while still finite. */
const GROWTH_LIMIT = 1e3;

export const lineModel = dense(1, 1);

export const fitLine = async (data: XY, options: { readonly lr: number; readonly steps: number; readonly key: Key; readonly backend: Backend }): Promise<LineRun> => {
  const { lr, steps, key, backend } = options;
  const [initKey, shuffleKey] = split(key, 2);
  const params = lineModel.init(initKey, backend);
  type Params = typeof params;
  const losses: number[] = [];
  const read = async (p: Params): Promise<{ w: number; b: number }> => ({ w: (await toArray(p.weight))[0], b: (await toArray(p.bias))[0] });
  try {
    const result = await fit({
      params,
      optimizer: sgd({ lr }),
      loss: (p: Params, batch: { readonly x: Tensor<readonly [number, 1]>; readonly y: Tensor }) => mse(lineModel.apply(p, batch.x), batch.y),
      train: dataset({ features: data.x, featureShape: [1], labels: data.y, labelShape: [1] }),
      batchSize: data.size,
      epochs: steps,
      key: shuffleKey,
      backend,
      toBatch: (host, be) => ({ x: tensor(be, host.x, [host.size, 1]), y: tensor(be, host.y, host.yShape) }),
      onStep: ({ loss }) => {
        losses.push(loss);
      },
    });
    const { w, b } = await read(result.params);
    const last = losses[losses.length - 1];
    const grew = !(last < losses[0] * GROWTH_LIMIT);
    return { lr, losses, w, b, ...(grew ? { divergence: { lastLoss: last } } : {}) };
  } catch (error) {
    if (!(error instanceof NonFiniteLossError)) throw error;
    const { w, b } = await read(error.state.params as Params);
    return { lr, losses: [...losses, error.loss], w, b, divergence: { nonFiniteAt: error.step, lastLoss: error.loss } };
  }
};
