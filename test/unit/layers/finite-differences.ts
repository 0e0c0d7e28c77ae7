/**
 * A small gradient check for these tests (the full kit lives in src/testing): the vjp of
 * `sum(f(x) * c)` for a fixed random cotangent c, against central differences in float64,
 * one input element at a time (PyTorch gradcheck's h, atol and rtol).
 */
import { flattenTree, mul, normalValues, sum, key, tensor, toArray, treeMap, valueAndGrad, vjp, scalar, referenceBackend, type Tensor, type Tree } from '../../../src/core/index.js';

export const reference = referenceBackend();

/** Largest violation of |analytic - numeric| <= atol + rtol |numeric| (<= 0 passes). */
export const gradientError = async (f: (x: Tensor) => Tensor, values: readonly number[], shape: readonly number[], h = 1e-6): Promise<number> => {
  const x = tensor(reference, values, shape);
  const outShape = f(x).shape;
  const cotangent = tensor(reference, normalValues(key(7), f(x).size), outShape);
  const objective = (t: Tensor): Tensor => sum(mul(f(t), cotangent));
  const [, pullback] = vjp(objective)(x);
  const [analytic] = pullback(scalar(reference, 1));
  const got = await toArray(analytic);
  let worst = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const shifted = (delta: number) => tensor(reference, values.map((v, j) => (j === i ? v + delta : v)), shape);
    const numeric = ((await toArray(objective(shifted(h))))[0] - (await toArray(objective(shifted(-h))))[0]) / (2 * h);
    worst = Math.max(worst, Math.abs(got[i] - numeric) - (1e-5 + 1e-3 * Math.abs(numeric)));
  }
  return worst;
};

/** The gradient of sum(f(x)) (all-ones cotangent), as a plain array. */
export const gradientOfSum = async (f: (x: Tensor) => Tensor, x: Tensor): Promise<number[]> => {
  const [, pullback] = vjp((t: Tensor) => sum(f(t)))(x);
  return Array.from(await toArray(pullback(scalar(x.backend, 1))[0]));
};

/**
 * The same check for every leaf of a parameter tree: the gradient of `sum(f(params) * c)` from
 * valueAndGrad against central differences, one element at a time. For small trees only.
 */
export const treeGradientError = async <P extends Tree>(f: (params: P) => Tensor, params: P, h = 1e-6): Promise<number> => {
  const out = f(params);
  const cotangent = tensor(reference, normalValues(key(11), out.size), out.shape);
  const objective = (p: P): Tensor => sum(mul(f(p), cotangent));
  const [, grads] = valueAndGrad(objective)(params);
  const leaves = flattenTree(params);
  const gradLeaves = new Map(flattenTree(grads));
  let worst = -Infinity;
  for (const [name, leaf] of leaves) {
    const values = Array.from(await toArray(leaf));
    const got = await toArray(gradLeaves.get(name) as Tensor);
    for (let i = 0; i < values.length; i++) {
      const shifted = (delta: number): P =>
        treeMap(params, (t, path) => (path === name ? tensor(reference, values.map((v, j) => (j === i ? v + delta : v)), t.shape) : t));
      const numeric = ((await toArray(objective(shifted(h))))[0] - (await toArray(objective(shifted(-h))))[0]) / (2 * h);
      worst = Math.max(worst, Math.abs(got[i] - numeric) - (1e-5 + 1e-3 * Math.abs(numeric)));
    }
  }
  return worst;
};
