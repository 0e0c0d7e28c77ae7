/**
 * The probabilistic example's synthetic data, drawn from explicit keys. Regression whose noise
 * grows with x (heteroscedastic), and a binary task whose labels are Bernoulli draws from a known
 * probability — so that what a model learns can be compared with the truth, not just the data.
 */
import { normalValues, split, uniformValues, type Key } from '../../src/core/index.js';

export const GAUSSIAN_X_RANGE = [0, 4] as const;

/** The true mean: μ(x) = sin(1.5x) + 0.5x. */
export const trueMean = (x: number): number => Math.sin(1.5 * x) + 0.5 * x;

/** The true noise: σ(x) = 0.05 + 0.15x, from 0.05 at x = 0 to 0.65 at x = 4. */
export const trueStd = (x: number): number => 0.05 + 0.15 * x;

export interface Samples {
  /** Row-major [size, inputs]. */
  readonly x: Float32Array;
  /** [size] targets (regression) or 0/1 labels (binary). */
  readonly y: Float32Array;
  readonly size: number;
}

/** `n` points y = μ(x) + σ(x) ε, ε ~ N(0, 1), x ~ U(0, 4); x and y are [n] (one feature). */
export const heteroscedasticData = (k: Key, n: number): Samples => {
  const [xKey, noiseKey] = split(k, 2);
  const [lo, hi] = GAUSSIAN_X_RANGE;
  const x = Float32Array.from(uniformValues(xKey, n), (u) => lo + (hi - lo) * u);
  const noise = normalValues(noiseKey, n);
  const y = Float32Array.from(x, (v, i) => trueMean(v) + trueStd(v) * noise[i]);
  return { x, y, size: n };
};

/** The true log-odds: a disc of radius 1.2 is likelier 1, fading out over about 0.3 in radius. */
export const trueLogit = (x1: number, x2: number): number => 3 * (1.44 - (x1 * x1 + x2 * x2));

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** `n` points x ~ U(-2, 2)², y ~ Bernoulli(sigmoid(trueLogit(x))): x [n, 2], y [n]. */
export const bernoulliData = (k: Key, n: number): Samples & { readonly p: Float64Array } => {
  const [xKey, yKey] = split(k, 2);
  const x = Float32Array.from(uniformValues(xKey, 2 * n), (u) => 4 * u - 2);
  const u = uniformValues(yKey, n);
  const p = Float64Array.from({ length: n }, (_, i) => sigmoid(trueLogit(x[2 * i], x[2 * i + 1])));
  const y = Float32Array.from(p, (pi, i) => (u[i] < pi ? 1 : 0));
  return { x, y, size: n, p };
};
