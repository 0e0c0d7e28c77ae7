/**
 * `checkAgreement(f, args, { backend })`: a backend against the float64 reference on the same
 * function, forward and backward. Both see identical inputs (the arguments are first rounded
 * through the tested backend) and the same cotangent; outputs and every gradient are compared by
 * relative Frobenius error, and optionally element by element. `f` runs on both backends, so it
 * must not capture tensors (they live on one): pass them as arguments, or capture host values
 * (labels, numbers) only.
 */
import { key as makeKey, flattenTree, normalValues, referenceBackend, tensor, toBackend, unflattenTree, vjp, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { keyWordsOf } from './check-vjp.js';
import { argumentName, callUser, toFloat64 } from './prepare.js';
import { formatIndex, type CheckFailure, type Disagreement } from './report.js';
import { finish, type CheckResult } from './result.js';

export interface AgreementTolerance {
  /** Bound on ||a - r||_F relative to ||r||_F (default 1e-5; float32 matmul at K <= 1024 lands near 1e-6). */
  readonly frobenius?: number;
  /** When set, also |a_i - r_i| <= elementwise * |r_i| + atol at every element. */
  readonly elementwise?: number;
  /**
   * Absolute slack per element (default 0), as in torch.testing.assert_close: float32 sums that
   * cancel to nearly 0 have a relative error no kernel can avoid. For the Frobenius bound it
   * enters as atol * sqrt(size): ||a - r|| <= frobenius * ||r|| + atol * sqrt(size).
   */
  readonly atol?: number;
}

export interface CheckAgreementOptions {
  /** The backend under test. */
  readonly backend: Backend;
  /** The specification; default a fresh `referenceBackend()`. */
  readonly reference?: Backend;
  readonly output?: AgreementTolerance;
  /** Tolerance on gradients; default: the output's. */
  readonly gradient?: AgreementTolerance;
  /** Draws the cotangent; default key(0). */
  readonly key?: Key;
  readonly names?: readonly string[];
}

const moveTree = async <T extends Tree>(tree: T, backend: Backend): Promise<T> =>
  unflattenTree(tree, await Promise.all(flattenTree(tree).map(([, t]) => toBackend(t, backend))));

/** Compares one tensor's values; a Disagreement per bound exceeded. */
const compareTensor = (
  base: Omit<Disagreement, 'kind' | 'metric' | 'error' | 'allowed' | 'value' | 'referenceValue' | 'index'>,
  shape: readonly number[],
  values: Float64Array,
  reference: Float64Array,
  tolerance: AgreementTolerance,
): { failures: Disagreement[]; ratio: number } => {
  const atol = tolerance.atol ?? 0;
  const relative = tolerance.elementwise;
  let difference = 0;
  let norm = 0;
  let worstAt = 0; // largest absolute difference
  let worstElement = 0; // largest |d| / (relative * |r| + atol)
  let worstElementRatio = 0;
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs(values[i] - reference[i]);
    difference += d * d;
    norm += reference[i] * reference[i];
    if (!(d <= Math.abs(values[worstAt] - reference[worstAt]))) worstAt = i;
    if (relative !== undefined) {
      const bound = relative * Math.abs(reference[i]) + atol;
      const ratio = bound === 0 ? (d === 0 ? 0 : Infinity) : d / bound;
      if (!(ratio <= worstElementRatio)) [worstElement, worstElementRatio] = [i, Number.isNaN(ratio) ? Infinity : ratio];
    }
  }
  const slack = atol * Math.sqrt(values.length);
  const [normD, normR] = [Math.sqrt(difference), Math.sqrt(norm)];
  const frobenius = tolerance.frobenius ?? 1e-5;
  // Reported relative to ||r|| (absolute when r = 0), with the allowed bound on the same scale.
  const error = normR === 0 ? normD : normD / normR;
  const allowed = normR === 0 ? slack : frobenius + slack / normR;
  const frobeniusRatio = allowed === 0 ? (error === 0 ? 0 : Infinity) : error / allowed;
  const failures: Disagreement[] = [];
  const at = (i: number) => ({ index: formatIndex(shape, i), value: values[i], referenceValue: reference[i] });
  if (!(frobeniusRatio <= 1)) failures.push({ kind: 'disagreement', ...base, metric: 'frobenius', error, allowed, ...at(worstAt) });
  if (relative !== undefined && !(worstElementRatio <= 1)) {
    const r = Math.abs(reference[worstElement]);
    const d = Math.abs(values[worstElement] - reference[worstElement]);
    failures.push({ kind: 'disagreement', ...base, metric: 'elementwise', error: r === 0 ? d : d / r, allowed: r === 0 ? atol : relative + atol / r, ...at(worstElement) });
  }
  const ratio = Math.max(frobeniusRatio, worstElementRatio);
  return { failures, ratio: Number.isNaN(ratio) ? Infinity : ratio };
};

export const checkAgreement = async <const Args extends readonly Tree[]>(
  f: (...args: Args) => Tensor,
  args: Args,
  options: CheckAgreementOptions,
): Promise<CheckResult> => {
  const api = 'checkAgreement';
  const { backend } = options;
  const reference = options.reference ?? referenceBackend();
  const onBackend = (await Promise.all(args.map((arg) => moveTree(arg, backend)))) as unknown as Args;
  const onReference = (await Promise.all(onBackend.map((arg) => moveTree(arg, reference)))) as unknown as Args;
  const run = async (target: Backend, inputs: Args, cotangentValues?: ArrayLike<number>) => {
    const [out, pullback] = callUser(api, target, () => vjp(f)(...inputs));
    const k = options.key ?? makeKey(0);
    // The cotangent is rounded through the tested backend too, so both pull back the same values.
    const ct = cotangentValues ?? (await toFloat64(tensor(backend, normalValues(k, out.size), out.shape)));
    const grads = callUser(api, target, () => pullback(tensor(target, ct, out.shape)));
    const leaves = await Promise.all(grads.flatMap((tree, i) => flattenTree(tree).map(async ([path, g]) => ({ path: path === '' ? argumentName(options.names, i) : `${argumentName(options.names, i)}.${path}`, shape: g.shape, values: await toFloat64(g) }))));
    return { out: { shape: out.shape, values: await toFloat64(out) }, ct, leaves };
  };
  const tested = await run(backend, onBackend);
  const spec = await run(reference, onReference, tested.ct);
  const failures: CheckFailure[] = [];
  let worstRatio = 0;
  const compare = (what: Disagreement['what'], path: string, shape: readonly number[], values: Float64Array, referenceValues: Float64Array, tolerance: AgreementTolerance) => {
    const result = compareTensor({ what, path, backend: backend.description, reference: reference.description }, shape, values, referenceValues, tolerance);
    failures.push(...result.failures);
    worstRatio = Math.max(worstRatio, result.ratio);
  };
  compare('output', 'output', tested.out.shape, tested.out.values, spec.out.values, options.output ?? {});
  tested.leaves.forEach((leaf, i) => compare('gradient', leaf.path, leaf.shape, leaf.values, spec.leaves[i].values, options.gradient ?? options.output ?? {}));
  const perTensor = (tolerance: AgreementTolerance | undefined): number => (tolerance?.elementwise === undefined ? 1 : 2);
  const checked = perTensor(options.output) + tested.leaves.length * perTensor(options.gradient ?? options.output);
  return finish({ api, checked, backend: backend.description, keyWords: keyWordsOf(options.key ?? makeKey(0)) }, failures, worstRatio);
};
