/**
 * `checkVjp(f, args)`: JAX's check_vjp. Along random tangents t and random cotangents c, the
 * adjoint identity <J t, c> = <t, Jᵀc> must hold, with J t from float64 central differences and
 * Jᵀc from purenet's `vjp`. It is checked per leaf (two evaluations of f per probe, whatever the
 * size), so a failure names the leaf; a failing leaf of modest size is then localised to its
 * worst element by central differences along unit vectors.
 *
 * @example
 * const result = await checkVjp((w: Tensor, x: Tensor) => matmul(x, w, { transB: true }), [w, x], { key: key(7) });
 * if (isLeft(result)) console.log(formatReport(result.left)); // gradient mismatch at args[0][3, 17] ...
 */
import { InvalidArgumentError, key as makeKey, normalValues, split, foldIn, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { prepare } from './prepare.js';
import { analyticPhase, directionalCheck, elementChecks, type Probe } from './probe.js';
import type { CheckFailure } from './report.js';
import { finish, type CheckResult } from './result.js';
import { resolveTolerance, type Tolerance } from './tolerance.js';

export interface GradCheckOptions extends Partial<Tolerance> {
  /** Draws tangents, cotangents and sampled elements; default key(0). Under fast-check, pass `keyArb()`'s draw. */
  readonly key?: Key;
  /** A float64 backend to run on; default: the arguments' own if float64, else a fresh `referenceBackend()`. */
  readonly backend?: Backend;
  /** Names of the arguments in reports (`['params', 'x']`); default `args[i]`. */
  readonly names?: readonly string[];
}

export interface CheckVjpOptions extends GradCheckOptions {
  /**
   * Independent (tangent, cotangent) pairs per leaf, default 3. One pair is JAX's check; a wrong
   * rule escapes a pair only when its error's projection happens to fall under the tolerance, so
   * each extra pair multiplies that (already small) chance. Cost per pair: two pullbacks (the
   * second checks that the pullback is pure) and two evaluations of f per leaf.
   */
  readonly probes?: number;
  /** Localise a failing leaf to its worst element when it has at most this many (default 4096). */
  readonly localizeUpTo?: number;
}

/** Key words for the report, so that `key: keyFromWords(words)` replays the same draws. */
export const keyWordsOf = (k: Key): readonly [number, number] => [k.words[0], k.words[1]];

/**
 * Certifies the VJP of `f` at `args` (tensors or trees of tensors; every leaf is differentiated,
 * pass labels and other constants through the closure). Resolves to Right(pass) or Left(report).
 */
export const checkVjp = async <const Args extends readonly Tree[]>(
  f: (...args: Args) => Tensor,
  args: Args,
  options: CheckVjpOptions = {},
): Promise<CheckResult> => {
  const api = 'checkVjp';
  const tolerance = resolveTolerance(api, options);
  const probes = options.probes ?? 3;
  if (!(Number.isInteger(probes) && probes >= 1)) throw new InvalidArgumentError(api, `expected probes to be an integer >= 1, got ${probes}`);
  const k = options.key ?? makeKey(0);
  const [cotangentKey, tangentKey] = split(k, 2);
  const prepared = await prepare(api, args, options);
  const analytic = await analyticPhase(api, f, prepared, (shape) => {
    const size = shape.reduce((n, d) => n * d, 1);
    return Array.from({ length: probes }, (_, p) => normalValues(foldIn(cotangentKey, p), size));
  });
  const failures: CheckFailure[] = [...analytic.failures];
  let worstRatio = 0;
  let checked = 0;
  for (let i = 0; i < prepared.leaves.length; i++) {
    const size = prepared.leaves[i].values.length;
    for (let p = 0; p < probes; p++) {
      const probe: Probe<Args> = { api, f, prepared, cotangent: analytic.cotangents[p], tolerance };
      const tangent = normalValues(foldIn(foldIn(tangentKey, i), p), size);
      const { failure, ratio } = await directionalCheck(probe, i, tangent, analytic.grads[p][i]);
      checked++;
      worstRatio = Math.max(worstRatio, ratio);
      if (failure === undefined) continue;
      failures.push(failure);
      if (size <= (options.localizeUpTo ?? 4096)) {
        const located = await elementChecks(probe, i, Array.from({ length: size }, (_, j) => j), analytic.grads[p][i]);
        checked += located.length;
        for (const comparison of located) if (comparison.failure !== undefined) failures.push(comparison.failure);
      }
      break; // one failing probe per leaf is enough to report it
    }
  }
  return finish({ api, checked, tolerance, backend: prepared.backend.description, keyWords: keyWordsOf(k) }, failures, worstRatio);
};
