/**
 * Shared test support for the losses: the two backends, value readers, a local logSoftmax composed
 * from core ops (src/layers is written concurrently) and a small central-difference gradient
 * check (PyTorch gradcheck's h and tolerances, one input element at a time; fine for tiny shapes).
 * The full property-testing kit lives in src/testing; this is deliberately minimal.
 */
import { cpuBackend, logSumExp, referenceBackend, sub, tensor, toArray, vjp, type Tensor } from '../../../src/core/index.js';

export const reference = referenceBackend();
export const cpu = cpuBackend();

export const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));

/** The one value of a reduced loss; fails unless the loss has shape []. */
export const scalarValue = async (t: Tensor): Promise<number> => {
  if (t.shape.length !== 0) throw new Error(`expected a loss of shape [], got [${t.shape.join(', ')}]`);
  return (await toArray(t))[0];
};

export const logSoftmax = (x: Tensor): Tensor => sub(x, logSumExp(x, { axis: -1, keepDims: true }));

/** A fixed cotangent with mixed signs and sizes, so that 'none' reductions are checked fully. */
const cotangentValues = (size: number): number[] => Array.from({ length: size }, (_, k) => 0.5 + Math.sin(1.3 * k + 0.7));

export interface GradientCheckOptions {
  readonly h?: number;
  readonly atol?: number;
  readonly rtol?: number;
}

/**
 * Compares the VJP of f at `inputs` (reference backend) with central differences of
 * <f(inputs), c> for a fixed cotangent c. Returns one line per element that fails
 * |analytic - numeric| <= atol + rtol |numeric|; an empty list means the gradients agree.
 */
export const gradientMismatches = async (
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradientCheckOptions = {},
): Promise<string[]> => {
  const { h = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const [out, pullback] = vjp(f)(...inputs);
  const c = cotangentValues(out.size);
  const analytic = await Promise.all(pullback(tensor(reference, c, out.shape)).map(values));
  const objective = async (xs: readonly Tensor[]): Promise<number> => {
    const y = await values(f(...xs));
    return y.reduce((acc, v, k) => acc + v * c[k], 0);
  };
  const mismatches: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const base = await values(inputs[i]);
    for (let j = 0; j < base.length; j++) {
      const shifted = (delta: number): Tensor[] =>
        inputs.map((x, k) => (k === i ? tensor(reference, base.map((v, m) => (m === j ? v + delta : v)), x.shape) : x));
      const numeric = ((await objective(shifted(h))) - (await objective(shifted(-h)))) / (2 * h);
      const a = analytic[i][j];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        mismatches.push(`input ${i} element ${j}: analytic ${a}, numeric ${numeric}`);
      }
    }
  }
  return mismatches;
};

/** Relative Frobenius distance ||a - b|| / max(||b||, tiny), for cpu-vs-reference agreement. */
export const relativeError = (a: readonly number[], b: readonly number[]): number => {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
};
