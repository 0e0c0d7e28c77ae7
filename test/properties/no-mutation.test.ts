/**
 * No op writes to its inputs: every primitive, on every available backend, leaves its inputs,
 * its output and the cotangent it is given unchanged through forward and backward, and its
 * pullback answers the same twice. Composed ops and customVjp are held to the same law.
 */
import { vi } from 'vitest';
import { test } from '@fast-check/vitest';
import { logSumExp, mean, type PrimitiveName } from '../../src/core/index.js';
import { assertNoMutation, keyArb, shapeArb, tensorArb } from '../../src/testing/index.js';
import { describeEachBackend } from './support/backends.js';
import { params, propertyTimeout } from './support/config.js';
import { moderate, primitiveCases } from './support/primitive-cases.js';
import { correctRules } from './support/rules.js';

vi.setConfig({ testTimeout: propertyTimeout });

await describeEachBackend('no primitive mutates its inputs', (backend) => {
  for (const name of Object.keys(primitiveCases) as PrimitiveName[]) {
    test.prop([primitiveCases[name].inputs(backend, moderate), keyArb()], params())(name, async ({ args, names, call }, k) => {
      await assertNoMutation(call, args, { key: k, names });
    });
  }
  test.prop([tensorArb(backend, shapeArb({ minRank: 1 })), keyArb()], params())('mean and logSumExp (composed)', async (x, k) => {
    await assertNoMutation((t) => mean(t, { axes: -1 }), [x], { key: k });
    await assertNoMutation((t) => logSumExp(t, { axis: 0 }), [x], { key: k });
  });
  for (const rule of correctRules) {
    test.prop([rule.inputs(backend), keyArb()], params(0.5))(`customVjp: ${rule.name}`, async (args, k) => {
      await assertNoMutation(rule.make(), args, { key: k, names: rule.names });
    });
  }
});
