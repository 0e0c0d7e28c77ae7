/**
 * Calibration as plain numbers over host arrays: does a predicted uncertainty mean what it says?
 * For a Gaussian, the fraction of targets inside mean ± 2σ (0.9545 when the σ are right); for
 * probabilities, a reliability table — mean predicted probability against the observed frequency
 * in bins of the prediction — and its weighted mean gap (expected calibration error, ECE).
 */

/** P(|Z| ≤ 2) for a standard normal Z: the coverage of a correct ±2σ band. */
export const TWO_SIGMA_COVERAGE = 0.9544997361036416;

/** Fraction of i with |y_i − mean_i| ≤ k · std_i. */
export const coverage = (y: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>, k = 2): number => {
  let inside = 0;
  for (let i = 0; i < y.length; i++) if (Math.abs(y[i] - mean[i]) <= k * std[i]) inside++;
  return inside / y.length;
};

export interface ReliabilityBin {
  /** [lower, upper) of predicted probability (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  readonly predicted: number;
  /** Fraction of positive labels in the bin (NaN when empty). */
  readonly observed: number;
}

/** Equal-width bins of predicted probability. */
export const reliability = (probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): ReliabilityBin[] => {
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const positive = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const b = Math.min(bins - 1, Math.floor(probabilities[i] * bins));
    count[b] += 1;
    predicted[b] += probabilities[i];
    positive[b] += labels[i];
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b],
    predicted: predicted[b] / count[b],
    observed: positive[b] / count[b],
  }));
};

/** Expected calibration error: Σ_bins (count / n) · |observed − predicted|. */
export const expectedCalibrationError = (table: readonly ReliabilityBin[]): number => {
  const n = table.reduce((total, bin) => total + bin.count, 0);
  return table.reduce((total, bin) => (bin.count === 0 ? total : total + (bin.count / n) * Math.abs(bin.observed - bin.predicted)), 0);
};
