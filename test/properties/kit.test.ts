/**
 * The kit is itself tested: every deliberately wrong VJP in the table must be caught, by the kind
 * of failure it is, on every draw; every correct rule must pass on every draw. Both checkers
 * (adjoint identity and full Jacobian) and the tree checker are held to this.
 */
import { describe, expect, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { referenceBackend, sum, mul, tensor, type Tensor } from '../../src/core/index.js';
import { checkGrad, checkGradTree, checkVjp, formatReport, keyArb, type CheckResult } from '../../src/testing/index.js';
import { params, propertyTimeout } from './support/config.js';
import { correctRules, wrongRules } from './support/rules.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();

/** The first (worst) failure's kind, or a readable reason why nothing was caught. */
const caughtKind = (result: CheckResult): string => (E.isLeft(result) ? result.left.failures[0].kind : `not caught (passed with worst ratio ${result.right.worstRatio})`);

const passes = (result: CheckResult): string => (E.isRight(result) ? 'pass' : formatReport(result.left));

/** A scalar loss over a tree `{ args: [...] }` that sums the rule's output against fixed weights. */
const asTreeLoss = (f: (...args: readonly Tensor[]) => Tensor) => (p: { readonly args: readonly Tensor[] }, weights: Tensor) => sum(mul(f(...p.args), weights));

const weightsFor = async (f: (...args: readonly Tensor[]) => Tensor, args: readonly Tensor[]): Promise<Tensor> => {
  const shape = f(...args).shape;
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(reference, Array.from({ length: size }, (_, i) => 0.5 + ((i * 7) % 5) / 4), shape);
};

describe('wrong VJPs are caught, across seeds', () => {
  for (const rule of wrongRules) {
    test.prop([rule.inputs(reference), keyArb()], params(2))(`checkVjp catches: ${rule.name}`, async (args, k) => {
      expect(caughtKind(await checkVjp(rule.make(), args, { key: k, names: rule.names }))).toBe(rule.caughtAs);
    });
    test.prop([rule.inputs(reference)], params())(`checkGrad catches: ${rule.name}`, async (args) => {
      expect(caughtKind(await checkGrad(rule.make(), args, { names: rule.names }))).toBe(rule.caughtAs);
    });
    test.prop([rule.inputs(reference), keyArb()], params())(`checkGradTree catches: ${rule.name}`, async (args, k) => {
      const f = rule.make();
      // The tree checker pulls back a cotangent it makes itself (1), so a cotangent write lands on
      // an intermediate of the loss; it is still caught, as the mismatch or impurity it causes.
      const result = await checkGradTree(asTreeLoss(f), { key: k })({ args }, await weightsFor(rule.make(), args));
      expect(E.isLeft(result)).toBe(true);
    });
  }
});

describe('correct VJPs pass, across seeds', () => {
  for (const rule of correctRules) {
    test.prop([rule.inputs(reference), keyArb()], params(2))(`checkVjp passes: ${rule.name}`, async (args, k) => {
      expect(passes(await checkVjp(rule.make(), args, { key: k, names: rule.names }))).toBe('pass');
    });
    test.prop([rule.inputs(reference)], params())(`checkGrad passes: ${rule.name}`, async (args) => {
      expect(passes(await checkGrad(rule.make(), args, { names: rule.names }))).toBe('pass');
    });
    test.prop([rule.inputs(reference), keyArb()], params())(`checkGradTree passes: ${rule.name}`, async (args, k) => {
      const f = rule.make();
      expect(passes(await checkGradTree(asTreeLoss(f), { key: k })({ args }, await weightsFor(rule.make(), args)))).toBe('pass');
    });
  }
});
