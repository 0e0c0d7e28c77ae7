/**
 * The lecture's model and what is measured on it: the 784-N-10 ReLU MLP with Kaiming-normal
 * weights, its evaluation on a dataset (accuracy and mean cross-entropy in one pass), and its
 * predictions with softmax probabilities for a few images. Shared by the run, `purenet eval` and
 * `purenet predict`, so that all three report the same numbers for the same parameters.
 */
import { tensor, toArray, type Backend } from '../../src/core/index.js';
import { dense, relu, sequential, type ParamsOf } from '../../src/layers/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import { argmaxRows, evaluate, type Dataset } from '../../src/train/index.js';

/** Pixels per image: 28 × 28. */
export const MNIST_FEATURES = 784;
export const MNIST_CLASSES = 10;
/** Images per forward pass when evaluating or predicting. */
export const EVAL_BATCH = 1000;

/** The lecture's model: params `{ lin_1: { weight [N, 784], bias [N] }, lin_2: { weight [10, N], bias [10] } }`. */
export const mnistModel = (hidden: number) =>
  sequential({
    lin_1: dense(MNIST_FEATURES, hidden, { init: 'kaimingNormal' }),
    act: relu,
    lin_2: dense(hidden, MNIST_CLASSES, { init: 'kaimingNormal' }),
  });

export type MnistModel = ReturnType<typeof mnistModel>;
export type MnistParams = ParamsOf<MnistModel>;

export interface MnistEvaluation {
  readonly samples: number;
  /** Fraction of argmax(logits) = label. */
  readonly accuracy: number;
  /** Mean cross-entropy of the logits (PyTorch's CrossEntropyLoss, reduction 'mean'). */
  readonly loss: number;
}

/** Accuracy and mean loss of `params` on `data`, in batches of EVAL_BATCH (the same fold everywhere). */
export const evaluateMnist = async (model: MnistModel, params: MnistParams, data: Dataset<Int32Array>, backend: Backend): Promise<MnistEvaluation> => {
  const result = await evaluate((x) => model.apply(params, x), data, EVAL_BATCH, backend, { loss: (logits, batch) => crossEntropy(logits, batch.y) });
  return { samples: result.samples, accuracy: result.accuracy ?? NaN, loss: result.loss ?? NaN };
};

export interface MnistPredictions {
  /** [count] argmax class of each image. */
  readonly predictions: Int32Array;
  /** [count, 10] softmax probabilities, row-major, computed in float64 from the logits. */
  readonly probabilities: Float64Array;
}

/** Softmax of each row of `[rows, classes]` logits, in float64 (max subtracted first). */
export const softmaxRows = (logits: ArrayLike<number>, rows: number, classes: number): Float64Array => {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
    let total = 0;
    for (let c = 0; c < classes; c++) {
      out[base + c] = Math.exp(logits[base + c] - max);
      total += out[base + c];
    }
    for (let c = 0; c < classes; c++) out[base + c] /= total;
  }
  return out;
};

/** Predictions for `images` ([count, 784] row-major, values in [0, 1]), EVAL_BATCH at a time. */
export const predictMnist = async (model: MnistModel, params: MnistParams, images: Float32Array, backend: Backend): Promise<MnistPredictions> => {
  const count = images.length / MNIST_FEATURES;
  const probabilities = new Float64Array(count * MNIST_CLASSES);
  const predictions = new Int32Array(count);
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const rows = Math.min(EVAL_BATCH, count - start);
    const x = tensor(backend, images.subarray(start * MNIST_FEATURES, (start + rows) * MNIST_FEATURES), [rows, MNIST_FEATURES]);
    const logits = await toArray(model.apply(params, x));
    probabilities.set(softmaxRows(logits, rows, MNIST_CLASSES), start * MNIST_CLASSES);
    // argmax of the logits, as `evaluate` counts accuracy (torch.argmax's tie rule).
    predictions.set(argmaxRows(logits, rows, MNIST_CLASSES), start);
  }
  return { predictions, probabilities };
};
