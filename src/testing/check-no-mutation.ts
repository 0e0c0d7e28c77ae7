/**
 * `checkNoMutation(f, args)`: the immutability law. Runs f forward with tracing and pulls a random
 * cotangent back twice, on the backend the arguments live on (float32 included), and checks that
 * no input, no output and no cotangent changed, and that the pullback answered the same twice.
 * Typed arrays cannot be frozen, so this is how "no op writes to its inputs" is proved.
 */
import { key as makeKey, normalValues, type Key, type Tensor, type Tree } from '../core/index.js';
import { keyWordsOf } from './check-vjp.js';
import { prepare } from './prepare.js';
import { analyticPhase } from './probe.js';
import { finish, type CheckResult } from './result.js';

export interface CheckNoMutationOptions {
  /** Draws the cotangent; default key(0). */
  readonly key?: Key;
  readonly names?: readonly string[];
}

export const checkNoMutation = async <const Args extends readonly Tree[]>(
  f: (...args: Args) => Tensor,
  args: Args,
  options: CheckNoMutationOptions = {},
): Promise<CheckResult> => {
  const api = 'checkNoMutation';
  const k = options.key ?? makeKey(0);
  const prepared = await prepare(api, args, { ...options, stay: true });
  const { failures } = await analyticPhase(api, f, prepared, (shape) => [normalValues(k, shape.reduce((n, d) => n * d, 1))]);
  // Watched: every input leaf (after forward and after pullback), the output and the cotangent, and each gradient twice.
  const checked = 2 * prepared.leaves.length + 2 + prepared.leaves.length;
  return finish({ api, checked, backend: prepared.backend.description, keyWords: keyWordsOf(k) }, failures, failures.length === 0 ? 0 : Infinity);
};
