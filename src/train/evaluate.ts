/**
 * Evaluation as a fold over sequential batches: predict each batch on the backend, read the
 * outputs back, and fold accuracy (for integer class labels) and, when a loss is given, the
 * sample-weighted mean loss. Nothing is differentiated and no parameter changes. The input
 * tensors evaluate uploads are its own: it releases them (Backend.release) once their outputs are
 * read back, so `predict` must not keep them.
 *
 * @example
 * const { accuracy, loss } = await evaluate((x) => model.apply(params, x), test, 1000, cpu, {
 *   loss: (logits, batch) => crossEntropy(logits, batch.y),
 * });
 */
import { InvalidArgumentError, tensor, toArray, type Backend, type Tensor } from '../core/index.js';
import { sequentialBatches, type HostBatch } from './batches.js';
import type { Dataset, LabelArray } from './dataset.js';
import { accuracy, meanLoss } from './metrics.js';
import { retire } from './state-memory.js';

export interface EvaluateOptions<L extends LabelArray> {
  /** The batch loss from the predictions: a scalar batch mean, or per-example values `[B]`. */
  readonly loss?: (output: Tensor, batch: HostBatch<L>) => Tensor;
}

export interface Evaluation {
  readonly samples: number;
  /** Present when the labels are class indices (Int32Array, labelShape []). */
  readonly accuracy?: number;
  /** Present when a loss was given. */
  readonly loss?: number;
}

interface Outputs {
  readonly size: number;
  readonly labels: LabelArray;
  readonly output: Promise<Float32Array | Float64Array> | undefined;
  readonly loss: Promise<Float32Array | Float64Array> | undefined;
  /** The batch's input, evaluate's own: released once its outputs are read back. */
  readonly x: Tensor;
}

export const evaluate = async <L extends LabelArray>(
  predict: (x: Tensor, batch: HostBatch<L>) => Tensor,
  data: Dataset<L>,
  batchSize: number,
  backend: Backend,
  options: EvaluateOptions<L> = {},
): Promise<Evaluation> => {
  const classification = data.labels instanceof Int32Array && data.labelShape.length === 0;
  let correct = accuracy.init;
  let losses = meanLoss.init;
  const fold = async (batch: Outputs): Promise<void> => {
    if (batch.output !== undefined) correct = accuracy.step(correct, { logits: await batch.output, labels: batch.labels });
    if (batch.loss !== undefined) {
      const values = await batch.loss;
      if (values.length === 1) losses = meanLoss.step(losses, { loss: values[0], count: batch.size });
      else if (values.length === batch.size) for (const value of values) losses = meanLoss.step(losses, { loss: value, count: 1 });
      else throw new InvalidArgumentError('evaluate', `expected the loss to be a scalar or [${batch.size}] per-example values, got ${values.length} values`);
    }
    retire(batch.x, []);
  };
  // The next batch is predicted before this one's readback is awaited (see fit.ts).
  let pending: Outputs | undefined;
  for (const batch of sequentialBatches(data, batchSize)) {
    const x = tensor(backend, batch.x, batch.xShape);
    const output = predict(x, batch);
    const next: Outputs = {
      x,
      size: batch.size,
      labels: batch.y,
      output: classification ? toArray(output) : undefined,
      loss: options.loss === undefined ? undefined : toArray(options.loss(output, batch)),
    };
    next.output?.catch(() => undefined);
    next.loss?.catch(() => undefined);
    if (pending !== undefined) await fold(pending);
    pending = next;
  }
  if (pending !== undefined) await fold(pending);
  return {
    samples: data.size,
    ...(classification ? { accuracy: accuracy.result(correct) } : {}),
    ...(options.loss === undefined ? {} : { loss: meanLoss.result(losses) }),
  };
};
