/**
 * @internal The scalar probe s(x) = <f(x), c> shared by checkVjp and checkGradTree. Its gradient
 * is Jᵀc, which one pullback gives analytically; a directional derivative of s along t is
 * <J t, c>, which two evaluations of f give numerically. Comparing the two per leaf is JAX's
 * check_vjp; comparing them along unit vectors e_j gives single gradient entries.
 */
import { flattenTree, tensor, vjp, type Shape, type Tensor, type Tree } from '../core/index.js';
import { callUser, detectLeafMutations, detectMutation, dot, firstDifference, toFloat64, type Prepared } from './prepare.js';
import { formatIndex, type CheckFailure } from './report.js';
import { compareValues, type Comparison } from './result.js';
import type { Tolerance } from './tolerance.js';

export interface Probe<Args extends readonly Tree[]> {
  readonly api: string;
  readonly f: (...args: Args) => Tensor;
  readonly prepared: Prepared<Args>;
  readonly cotangent: Float64Array;
  readonly tolerance: Tolerance;
}

export interface AnalyticPhase {
  readonly outShape: Shape;
  /** The cotangents drawn, one per probe. */
  readonly cotangents: readonly Float64Array[];
  /** Jᵀc per cotangent, then per leaf in leaf order. */
  readonly grads: readonly (readonly Float64Array[])[];
  /** Mutations and impurity found while computing them. */
  readonly failures: readonly CheckFailure[];
}

/**
 * One forward with tracing, then two pullbacks per cotangent (the second must repeat the first
 * exactly), watched for writes into the inputs, the output and the cotangent.
 */
export const analyticPhase = async <Args extends readonly Tree[]>(
  api: string,
  f: (...args: Args) => Tensor,
  prepared: Prepared<Args>,
  drawCotangents: (outShape: Shape) => readonly Float64Array[],
): Promise<AnalyticPhase> => {
  const { backend, leaves } = prepared;
  const [out, pullback] = callUser(api, backend, () => vjp(f)(...prepared.args));
  const failures: CheckFailure[] = [...(await detectLeafMutations(leaves, 'the forward pass'))];
  const outValues = await toFloat64(out);
  const cotangents = drawCotangents(out.shape);
  const flatGrads = async (trees: Args): Promise<Float64Array[]> => Promise.all(trees.flatMap((tree) => flattenTree(tree).map(([, g]) => toFloat64(g))));
  const grads: Float64Array[][] = [];
  const during = 'the pullback';
  for (const cotangent of cotangents) {
    const ct = tensor(backend, cotangent, out.shape);
    // Snapshot what the backend holds (float32 rounds the drawn values), not what was drawn.
    const ctValues = await toFloat64(ct);
    const first = await flatGrads(callUser(api, backend, () => pullback(ct)));
    const again = await flatGrads(callUser(api, backend, () => pullback(ct)));
    grads.push(first);
    const mutation = await detectMutation('cotangent', 'cotangent', ct, ctValues, during);
    if (mutation !== undefined) failures.push(mutation);
    first.forEach((g, i) => {
      const at = firstDifference(g, again[i]);
      if (at >= 0) failures.push({ kind: 'impurePullback', path: leaves[i].path, index: formatIndex(leaves[i].shape, at), first: g[at], second: again[i][at] });
    });
  }
  failures.push(...(await detectLeafMutations(leaves, during)));
  const outMutation = await detectMutation('output', 'output', out, outValues, during);
  if (outMutation !== undefined) failures.push(outMutation);
  return { outShape: out.shape, cotangents, grads, failures: dedupe(failures) };
};

/** One failure per kind and place: a rule that misbehaves on every call is reported once. */
const dedupe = (failures: readonly CheckFailure[]): CheckFailure[] => {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const id = `${f.kind}:${f.path}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
};

const probeValue = async <Args extends readonly Tree[]>(probe: Probe<Args>, args: Args): Promise<number> =>
  dot(await toFloat64(callUser(probe.api, probe.prepared.backend, () => probe.f(...args))), probe.cotangent);

/** (s(x + h d) - s(x - h d)) / 2h with only leaf `i` moved along `direction`. */
const centralDifference = async <Args extends readonly Tree[]>(probe: Probe<Args>, i: number, direction: (j: number) => number): Promise<number> => {
  const base = probe.prepared.leaves[i].values;
  const h = probe.tolerance.eps;
  const plus = base.map((x, j) => x + h * direction(j));
  const minus = base.map((x, j) => x - h * direction(j));
  return ((await probeValue(probe, probe.prepared.withLeaf(i, plus))) - (await probeValue(probe, probe.prepared.withLeaf(i, minus)))) / (2 * h);
};

/** <t, (Jᵀc)_i> against <J_i t, c> for leaf i. */
export const directionalCheck = async <Args extends readonly Tree[]>(probe: Probe<Args>, i: number, tangent: Float64Array, grad: Float64Array): Promise<Comparison> =>
  compareValues({ path: probe.prepared.leaves[i].path }, 'directional', dot(tangent, grad), await centralDifference(probe, i, (j) => tangent[j]), probe.tolerance);

/** Gradient entries (Jᵀc)_i[j] against central differences along e_j, for the listed elements. */
export const elementChecks = async <Args extends readonly Tree[]>(probe: Probe<Args>, i: number, elements: readonly number[], grad: Float64Array): Promise<Comparison[]> => {
  const leaf = probe.prepared.leaves[i];
  const comparisons: Comparison[] = [];
  for (const element of elements) {
    const numeric = await centralDifference(probe, i, (j) => (j === element ? 1 : 0));
    comparisons.push(compareValues({ path: leaf.path, index: formatIndex(leaf.shape, element) }, 'element', grad[element], numeric, probe.tolerance));
  }
  return comparisons;
};
