/**
 * `checkGrad(f, args)`: PyTorch's gradcheck. The full Jacobian of f, once analytically (one
 * pullback per output element, with a one-hot cotangent) and once numerically (two evaluations
 * per input element, central differences), compared entry by entry. Exhaustive but quadratic:
 * for tiny inputs; use `checkVjp` for anything larger.
 */
import { InvalidArgumentError, flattenTree, tensor, vjp, type Tensor, type Tree } from '../core/index.js';
import type { GradCheckOptions } from './check-vjp.js';
import { callUser, detectLeafMutations, detectMutation, firstDifference, prepare, toFloat64 } from './prepare.js';
import { formatIndex, type CheckFailure } from './report.js';
import { compareValues, finish, type CheckResult } from './result.js';
import { resolveTolerance } from './tolerance.js';

export interface CheckGradOptions extends Omit<GradCheckOptions, 'key'> {
  /** Refuse Jacobians with more entries than this (default 65536): each costs a pullback row and two evaluations per column. */
  readonly maxJacobianEntries?: number;
}

/** Certifies every entry of the Jacobian of `f` at `args`; resolves to Right(pass) or Left(report). */
export const checkGrad = async <const Args extends readonly Tree[]>(
  f: (...args: Args) => Tensor,
  args: Args,
  options: CheckGradOptions = {},
): Promise<CheckResult> => {
  const api = 'checkGrad';
  const tolerance = resolveTolerance(api, options);
  const prepared = await prepare(api, args, options);
  const { backend, leaves } = prepared;
  const [out, pullback] = callUser(api, backend, () => vjp(f)(...prepared.args));
  const inputs = leaves.reduce((n, leaf) => n + leaf.values.length, 0);
  const limit = options.maxJacobianEntries ?? 65536;
  if (out.size * inputs > limit) {
    throw new InvalidArgumentError(api, `expected a Jacobian of at most ${limit} entries, got ${out.size} outputs × ${inputs} inputs; use checkVjp for inputs of this size (or raise maxJacobianEntries)`);
  }
  const failures: CheckFailure[] = [...(await detectLeafMutations(leaves, 'the forward pass'))];
  const outValues = await toFloat64(out);

  // Analytic Jacobian: rows[r][leaf] = d out[r] / d leaf, from a one-hot cotangent.
  const rows: Float64Array[][] = [];
  for (let r = 0; r < out.size; r++) {
    const oneHot = new Float64Array(out.size);
    oneHot[r] = 1;
    const ct = tensor(backend, oneHot, out.shape);
    const row = async (): Promise<Float64Array[]> => Promise.all(callUser(api, backend, () => pullback(ct)).flatMap((tree) => flattenTree(tree).map(([, g]) => toFloat64(g))));
    const first = await row();
    const second = await row();
    first.forEach((g, i) => {
      const at = firstDifference(g, second[i]);
      if (at >= 0) failures.push({ kind: 'impurePullback', path: leaves[i].path, index: formatIndex(leaves[i].shape, at), first: g[at], second: second[i][at] });
    });
    const mutation = await detectMutation('cotangent', 'cotangent', ct, oneHot, 'the pullback');
    if (mutation !== undefined) failures.push(mutation);
    rows.push(first);
  }
  failures.push(...(await detectLeafMutations(leaves, 'the pullback')));
  const outMutation = await detectMutation('output', 'output', out, outValues, 'the pullback');
  if (outMutation !== undefined) failures.push(outMutation);

  // Numeric Jacobian, one column per input element, compared as it is computed.
  const h = tolerance.eps;
  const evaluate = async (i: number, values: Float64Array): Promise<Float64Array> => toFloat64(callUser(api, backend, () => f(...prepared.withLeaf(i, values))));
  let worstRatio = 0;
  let checked = 0;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    for (let j = 0; j < leaf.values.length; j++) {
      const plus = leaf.values.slice();
      const minus = leaf.values.slice();
      plus[j] += h;
      minus[j] -= h;
      const [up, down] = [await evaluate(i, plus), await evaluate(i, minus)];
      for (let r = 0; r < out.size; r++) {
        const location = { path: leaf.path, index: formatIndex(leaf.shape, j), ...(out.size > 1 ? { outputIndex: formatIndex(out.shape, r) } : {}) };
        const { failure, ratio } = compareValues(location, 'element', rows[r][i][j], (up[r] - down[r]) / (2 * h), tolerance);
        checked++;
        worstRatio = Math.max(worstRatio, ratio);
        if (failure !== undefined) failures.push(failure);
      }
    }
  }
  return finish({ api, checked, tolerance, backend: backend.description }, failures, worstRatio);
};
