/**
 * The regression example's synthetic data, drawn from explicit keys: a noisy line for the 1-D
 * model, and a smooth nonlinear map R³ → R² for the MLP. The truths are exported so that the
 * printout (and the tests) can compare what was learned with what generated the data.
 */
import { normalValues, split, uniformValues, type Key } from '../../src/core/index.js';

/** y = TRUE_W x + TRUE_B + N(0, LINE_NOISE²), x ~ U(-2, 2). */
export const TRUE_W = 3;
export const TRUE_B = 2;
export const LINE_NOISE = 0.5;
export const LINE_X_RANGE = [-2, 2] as const;

/** Noise of the MLP's targets (each output): the best test MSE any model can reach is its square. */
export const MLP_NOISE = 0.05;

export interface XY {
  /** Row-major [size, inputs]. */
  readonly x: Float32Array;
  /** Row-major [size, outputs]. */
  readonly y: Float32Array;
  readonly size: number;
}

/** `n` points of the noisy line: x and y are [n, 1]. */
export const lineData = (k: Key, n: number): XY => {
  const [xKey, noiseKey] = split(k, 2);
  const [lo, hi] = LINE_X_RANGE;
  const u = uniformValues(xKey, n);
  const noise = normalValues(noiseKey, n);
  const x = Float32Array.from(u, (v) => lo + (hi - lo) * v);
  const y = Float32Array.from(x, (v, i) => TRUE_W * v + TRUE_B + LINE_NOISE * noise[i]);
  return { x, y, size: n };
};

/** The closed-form least-squares line through (x, y), in float64: what gradient descent should reach. */
export const leastSquares = (x: ArrayLike<number>, y: ArrayLike<number>): { readonly w: number; readonly b: number } => {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const w = sxy / sxx;
  return { w, b: my - w * mx };
};

/**
 * The largest eigenvalue of the MSE's Hessian in (w, b), 2 [[E x², E x], [E x, 1]]. Gradient
 * descent on this quadratic converges exactly when lr < 2 / λmax, and diverges above.
 */
export const lineHessianMax = (x: ArrayLike<number>): number => {
  const n = x.length;
  let ex = 0;
  let exx = 0;
  for (let i = 0; i < n; i++) {
    ex += x[i] / n;
    exx += (x[i] * x[i]) / n;
  }
  const [a, b, d] = [2 * exx, 2 * ex, 2];
  return (a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b);
};

/** The MLP's target without noise: (sin 2x₁ + x₂x₃, cos(x₁ + x₂) − x₃²/2). */
export const mlpTarget = (x1: number, x2: number, x3: number): readonly [number, number] => [Math.sin(2 * x1) + x2 * x3, Math.cos(x1 + x2) - (x3 * x3) / 2];

/** `n` examples x ~ U(-1, 1)³ with targets mlpTarget(x) + N(0, MLP_NOISE²) per output: x [n, 3], y [n, 2]. */
export const mlpData = (k: Key, n: number): XY => {
  const [xKey, noiseKey] = split(k, 2);
  const x = Float32Array.from(uniformValues(xKey, 3 * n), (v) => 2 * v - 1);
  const noise = normalValues(noiseKey, 2 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [t1, t2] = mlpTarget(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
    y[2 * i] = t1 + MLP_NOISE * noise[2 * i];
    y[2 * i + 1] = t2 + MLP_NOISE * noise[2 * i + 1];
  }
  return { x, y, size: n };
};
