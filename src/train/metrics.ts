/**
 * Metrics as folds over batches (host arrays in, numbers out): `init`, a pure `step` from an
 * accumulator and one batch to the next accumulator, and `result`. Counts and sums accumulate in
 * float64 whatever the backend's dtype.
 *
 * @example
 * const acc = [batch1, batch2].reduce(accuracy.step, accuracy.init);
 * accuracy.result(acc); // fraction correct
 */
import { InvalidArgumentError } from '../core/index.js';

export interface MetricFold<A, In, Out> {
  readonly init: A;
  readonly step: (acc: A, input: In) => A;
  readonly result: (acc: A) => Out;
}

/** Runs a fold over `inputs`. */
export const foldMetric = <A, In, Out>(metric: MetricFold<A, In, Out>, inputs: Iterable<In>): Out => {
  let acc = metric.init;
  for (const input of inputs) acc = metric.step(acc, input);
  return metric.result(acc);
};

export interface AccuracyInput {
  /**
   * Row-major `[B, C]` scores (logits or probabilities) for C ≥ 2 classes; or `[B]` (C = 1) binary
   * logits, where class 1 is predicted for a logit > 0.
   */
  readonly logits: ArrayLike<number>;
  /** `[B]` class indices. */
  readonly labels: ArrayLike<number>;
}

export interface AccuracyState {
  readonly correct: number;
  readonly total: number;
}

/**
 * Index of the largest entry of each row of `[rows, classes]` scores; the first on ties, and a
 * NaN counts as the largest (torch.argmax's conventions).
 */
export const argmaxRows = (scores: ArrayLike<number>, rows: number, classes: number): Int32Array => {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let best = 0;
    let bestValue = scores[base];
    for (let c = 1; c < classes && !Number.isNaN(bestValue); c++) {
      const v = scores[base + c];
      if (v > bestValue || Number.isNaN(v)) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
};

/** Fraction of rows whose argmax equals the label (NaN for no rows). */
export const accuracy: MetricFold<AccuracyState, AccuracyInput, number> = Object.freeze({
  init: Object.freeze({ correct: 0, total: 0 }),
  step: (acc: AccuracyState, { logits, labels }: AccuracyInput): AccuracyState => {
    const rows = labels.length;
    if (rows === 0) return acc;
    if (logits.length % rows !== 0) {
      throw new InvalidArgumentError('accuracy', `expected logits [B, C] with B = ${rows} labels, got ${logits.length} values`);
    }
    const classes = logits.length / rows;
    let correct = 0;
    if (classes === 1) {
      for (let r = 0; r < rows; r++) correct += (logits[r] > 0 ? 1 : 0) === labels[r] ? 1 : 0;
    } else {
      const predicted = argmaxRows(logits, rows, classes);
      for (let r = 0; r < rows; r++) correct += predicted[r] === labels[r] ? 1 : 0;
    }
    return { correct: acc.correct + correct, total: acc.total + rows };
  },
  result: (acc: AccuracyState): number => acc.correct / acc.total,
});

export interface LossInput {
  /** The batch's mean loss. */
  readonly loss: number;
  /** Examples it averaged over (its weight). */
  readonly count: number;
}

export interface WeightedSum {
  readonly sum: number;
  readonly count: number;
}

/** Sample-weighted mean of batch-mean losses, i.e. the mean over all examples (NaN for none). */
export const meanLoss: MetricFold<WeightedSum, LossInput, number> = Object.freeze({
  init: Object.freeze({ sum: 0, count: 0 }),
  step: (acc: WeightedSum, { loss, count }: LossInput): WeightedSum => {
    if (!(Number.isSafeInteger(count) && count >= 0)) throw new InvalidArgumentError('meanLoss', `expected a non-negative integer count, got ${count}`);
    return { sum: acc.sum + loss * count, count: acc.count + count };
  },
  result: (acc: WeightedSum): number => acc.sum / acc.count,
});
