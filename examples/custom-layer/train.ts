/**
 * Shows the layer learns: a glu(2 → 16) → swish → dense(16 → 1) regressor fitted by full-batch
 * Adam on MSE to a smooth 2-D function, with the loss recorded at every step and compared with
 * predicting the mean (the variance of the targets).
 */
import { adam, dense, item, mse, optimizerStep, split, tensor, uniformValues, valueAndGrad, type Backend, type DenseParams, type Key, type Tensor } from '../../src/index.js';
import { glu, type GluParams } from './glu.js';
import { swish } from './swish.js';

export const HIDDEN = 16;
export const TARGET_TEXT = 'y = sin(2x₁)·x₂ + x₁/2, x ~ U(-2, 2)²';

const target = (x1: number, x2: number): number => Math.sin(2 * x1) * x2 + x1 / 2;

export interface TrainRun {
  /** Full-batch MSE before each step (index 0: at initialisation) and after the last one. */
  readonly losses: readonly number[];
  /** MSE of predicting the mean of y (the targets' variance): what the model must beat. */
  readonly baseline: number;
}

type Params = { readonly glu: GluParams; readonly out: DenseParams<typeof HIDDEN, 1> };

const hidden = glu(2, HIDDEN);
const out = dense(HIDDEN, 1);
const apply = (p: Params, x: Tensor): Tensor => out.apply(p.out, swish(hidden.apply(p.glu, x)) as Tensor<readonly [number, typeof HIDDEN]>);

export const trainGlu = async (options: { readonly samples: number; readonly steps: number; readonly lr: number; readonly key: Key; readonly backend: Backend }): Promise<TrainRun> => {
  const { samples, steps, lr, backend } = options;
  const [dataKey, initKey] = split(options.key, 2);
  const u = uniformValues(dataKey, 2 * samples);
  const xs = u.map((v) => 4 * v - 2);
  const ys = Float64Array.from({ length: samples }, (_, i) => target(xs[2 * i], xs[2 * i + 1]));
  const meanY = ys.reduce((s, v) => s + v, 0) / samples;
  const baseline = ys.reduce((s, v) => s + (v - meanY) ** 2, 0) / samples;
  const x = tensor(backend, xs, [samples, 2]);
  const y = tensor(backend, ys, [samples, 1]);

  const [gluKey, outKey] = split(initKey, 2);
  let params: Params = { glu: hidden.init(gluKey, backend), out: out.init(outKey, backend) };
  const optimizer = adam({ lr });
  let state = optimizer.init(params);
  const lossAndGrad = valueAndGrad((p: Params, xb: Tensor, yb: Tensor) => mse(apply(p, xb), yb));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [loss, grads] = lossAndGrad(params, x, y);
    losses.push(await item(loss));
    [params, state] = optimizerStep(optimizer, grads, state, params);
  }
  losses.push(await item(mse(apply(params, x), y)));
  return { losses, baseline };
};
