/**
 * `checkGradTree(loss)(params, ...rest)`: certifies `valueAndGrad(loss)` the way it is called in
 * training, over a parameter tree. Per leaf it checks the directional derivative along a random
 * tangent (every element takes part) and single gradient entries by central differences (all of
 * them for small leaves, a keyed sample for large ones), PyTorch gradcheck style. Failures name
 * the entry as a user knows it: `lin_1.weight[3, 17]`.
 *
 * @example
 * const loss = (p: Params, batch: Batch) => mean(softmaxCrossEntropy(model.apply(p, batch.x), targets(batch)));
 * await assertGradTree(loss)(model.init(key(0), reference), batch);
 */
import { ShapeError, foldIn, formatShape, key as makeKey, normalValues, permutation, split, type Tensor, type Tree } from '../core/index.js';
import { keyWordsOf, type GradCheckOptions } from './check-vjp.js';
import { moveDeep, prepare } from './prepare.js';
import { analyticPhase, directionalCheck, elementChecks, type Probe } from './probe.js';
import type { CheckFailure } from './report.js';
import { finish, type CheckResult } from './result.js';
import { resolveTolerance } from './tolerance.js';

export interface CheckGradTreeOptions extends Omit<GradCheckOptions, 'names'> {
  /** Gradient entries checked per leaf by central differences: all when the leaf has at most this many, else a keyed sample (default 64; 'all' for every entry). */
  readonly elementsPerLeaf?: number | 'all';
}

/** Indices to check in a leaf of `size` elements. */
const sampleElements = (size: number, limit: number | 'all', sampleKey: ReturnType<typeof makeKey>): number[] => {
  if (limit === 'all' || size <= limit) return Array.from({ length: size }, (_, j) => j);
  return Array.from(permutation(sampleKey, size).subarray(0, limit)).sort((a, b) => a - b);
};

/**
 * Curried like `valueAndGrad`: `checkGradTree(loss, options)(params, ...rest)`. `loss` must return
 * one value; `rest` (batches, labels) is held constant and its tensors are moved to the check's
 * float64 backend.
 */
export const checkGradTree =
  <P extends Tree, Rest extends readonly unknown[]>(loss: (params: P, ...rest: Rest) => Tensor, options: CheckGradTreeOptions = {}) =>
  async (params: P, ...rest: Rest): Promise<CheckResult> => {
    const api = 'checkGradTree';
    const tolerance = resolveTolerance(api, options);
    const k = options.key ?? makeKey(0);
    const [tangentKey, sampleKey] = split(k, 2);
    const prepared = await prepare(api, [params] as const, { ...options, names: [''] });
    const constants = await moveDeep(rest, prepared.backend);
    const f = (...[p]: readonly [P]): Tensor => loss(p, ...constants);
    const analytic = await analyticPhase<readonly [P]>(api, f, prepared, (shape) => {
      if (shape.reduce((n, d) => n * d, 1) !== 1) {
        throw new ShapeError(api, `expected the loss to return one value (shape [] or [1]), got shape ${formatShape(shape)}; reduce it (mean/sum) first, or use checkVjp for vector outputs`);
      }
      return [Float64Array.of(1)];
    });
    const failures: CheckFailure[] = [...analytic.failures];
    const probe: Probe<readonly [P]> = { api, f, prepared, cotangent: analytic.cotangents[0], tolerance };
    let worstRatio = 0;
    let checked = 0;
    for (let i = 0; i < prepared.leaves.length; i++) {
      const size = prepared.leaves[i].values.length;
      const directional = await directionalCheck(probe, i, normalValues(foldIn(tangentKey, i), size), analytic.grads[0][i]);
      const elements = await elementChecks(probe, i, sampleElements(size, options.elementsPerLeaf ?? 64, foldIn(sampleKey, i)), analytic.grads[0][i]);
      for (const { failure, ratio } of [directional, ...elements]) {
        checked++;
        worstRatio = Math.max(worstRatio, ratio);
        if (failure !== undefined) failures.push(failure);
      }
    }
    return finish({ api, checked, tolerance, backend: prepared.backend.description, keyWords: keyWordsOf(k) }, failures, worstRatio);
  };
