/** A small classification run for the checkpoint tests: 6-8-3 MLP, 40 synthetic examples, batch 8. */
import { key, normalValues, tensor, toArray, type Backend, type Key, type Tensor } from '../../../src/core/index.js';
import { flattenState, type JsonScalar } from '../../../src/io/index.js';
import { dense, relu, sequential } from '../../../src/layers/index.js';
import { crossEntropy } from '../../../src/losses/index.js';
import { dataset, fit, type GradientTransformation } from '../../../src/train/index.js';

export const smallModel = (hidden = 8) => sequential({ lin_1: dense(6, hidden, { init: 'kaimingNormal' }), act: relu, lin_2: dense(hidden, 3, { init: 'kaimingNormal' }) });
export type SmallParams = ReturnType<ReturnType<typeof smallModel>['init']>;

/** 40 examples in 6 features; the label is the argmax of a fixed projection, so the task is learnable. */
export const smallData = () => {
  const features = Float32Array.from(normalValues(key(11), 40 * 6));
  const projection = normalValues(key(12), 6 * 3);
  const labels = new Int32Array(40);
  for (let i = 0; i < 40; i++) {
    const scores = [0, 1, 2].map((c) => features.subarray(i * 6, i * 6 + 6).reduce((s, x, j) => s + x * projection[j * 3 + c], 0));
    labels[i] = scores.indexOf(Math.max(...scores));
  }
  return dataset({ features, featureShape: [6], labels });
};

/** `fit` over the small run from `params` (and `optState`) through `epochs`, starting at `startEpoch`. */
export const trainSmall = <S>(
  backend: Backend,
  optimizer: GradientTransformation<S>,
  from: { readonly params: SmallParams; readonly optState?: S; readonly startEpoch?: number; readonly key: Key },
  epochs: number,
) => {
  const model = smallModel();
  return fit({
    params: from.params,
    optimizer,
    ...(from.optState === undefined ? {} : { optState: from.optState }),
    startEpoch: from.startEpoch ?? 0,
    loss: (p: SmallParams, batch: { readonly x: Tensor; readonly labels: Int32Array }) => crossEntropy(model.apply(p, batch.x), batch.labels),
    train: smallData(),
    batchSize: 8,
    epochs,
    key: from.key,
    backend,
    toBatch: (host, be) => ({ x: tensor(be, host.x, host.xShape), labels: host.y }),
  });
};

/** Every tensor leaf of a state (params or optimizer state) as exact bit patterns, and its scalars, by name. */
export const stateBits = async (state: unknown): Promise<Record<string, number[] | JsonScalar>> => {
  const flat = flattenState('stateBits', state, '');
  const out: Record<string, number[] | JsonScalar> = Object.fromEntries(flat.scalars.map(([path, value]) => [`scalar:${path}`, value]));
  for (const [name, leaf] of flat.tensors) {
    const data = await toArray(leaf);
    out[name] = Array.from(data instanceof Float32Array ? new Uint32Array(data.buffer, data.byteOffset, data.length) : new Uint32Array(data.buffer, data.byteOffset, 2 * data.length));
  }
  return out;
};
