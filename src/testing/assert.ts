/**
 * Assert-style wrappers for use inside tests: the same checks, throwing a `GradientCheckError`
 * whose message is the readable report (and whose `.report` keeps the data). Under fast-check the
 * thrown message lands in fast-check's own failure report, next to the seed and path to replay.
 *
 * @example
 * test.prop([tensorArb(reference, [3, 4]), keyArb()])('tanh', async (x, k) => {
 *   await assertVjp((x: Tensor) => tanh(x), [x], { key: k });
 * });
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Tensor, Tree } from '../core/index.js';
import { checkAgreement, type CheckAgreementOptions } from './check-agreement.js';
import { checkGrad, type CheckGradOptions } from './check-grad.js';
import { checkGradTree, type CheckGradTreeOptions } from './check-grad-tree.js';
import { checkNoMutation, type CheckNoMutationOptions } from './check-no-mutation.js';
import { checkVjp, type CheckVjpOptions } from './check-vjp.js';
import { GradientCheckError } from './report.js';
import type { CheckPass, CheckResult } from './result.js';

/** Right(pass) → pass; Left(report) → throws GradientCheckError(report). */
export const orThrow = (result: CheckResult): CheckPass => {
  if (E.isLeft(result)) throw new GradientCheckError(result.left);
  return result.right;
};

export const assertVjp = async <const Args extends readonly Tree[]>(f: (...args: Args) => Tensor, args: Args, options?: CheckVjpOptions): Promise<CheckPass> =>
  orThrow(await checkVjp(f, args, options));

export const assertGrad = async <const Args extends readonly Tree[]>(f: (...args: Args) => Tensor, args: Args, options?: CheckGradOptions): Promise<CheckPass> =>
  orThrow(await checkGrad(f, args, options));

export const assertGradTree =
  <P extends Tree, Rest extends readonly unknown[]>(loss: (params: P, ...rest: Rest) => Tensor, options?: CheckGradTreeOptions) =>
  async (params: P, ...rest: Rest): Promise<CheckPass> =>
    orThrow(await checkGradTree(loss, options)(params, ...rest));

export const assertNoMutation = async <const Args extends readonly Tree[]>(f: (...args: Args) => Tensor, args: Args, options?: CheckNoMutationOptions): Promise<CheckPass> =>
  orThrow(await checkNoMutation(f, args, options));

export const assertAgreement = async <const Args extends readonly Tree[]>(f: (...args: Args) => Tensor, args: Args, options: CheckAgreementOptions): Promise<CheckPass> =>
  orThrow(await checkAgreement(f, args, options));
