/**
 * Every loss in the table (support/loss-cases.ts), with each of its options, certified: VJP
 * with respect to every float input (adjoint identity and full Jacobian), no mutation on any
 * backend, and agreement of every backend with the reference.
 */
import { describe, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import { referenceBackend } from '../../src/core/index.js';
import { assertAgreement, assertGrad, assertNoMutation, assertVjp, keyArb } from '../../src/testing/index.js';
import { comparedEntries, describeEachBackend } from './support/backends.js';
import { params, propertyTimeout } from './support/config.js';
import { lossCases } from './support/loss-cases.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();

describe('loss VJPs match central differences (float64 reference)', () => {
  for (const c of lossCases) {
    test.prop([c.inputs(reference, 'moderate'), keyArb()], params(2))(`${c.name}: checkVjp`, async ({ args, names, call }, k) => {
      await assertVjp(call, args, { key: k, names });
    });
    test.prop([c.inputs(reference, 'tiny')], params())(`${c.name}: checkGrad (full Jacobian)`, async ({ args, names, call }) => {
      await assertGrad(call, args, { names });
    });
  }
});

await describeEachBackend('no loss mutates its inputs', (backend, profile) => {
  for (const c of lossCases) {
    test.prop([c.inputs(backend, 'moderate'), keyArb()], params())(c.name, async ({ args, names, call }, k) => {
      await assertNoMutation(call, args, { key: k, names });
    });
  }
});

await describeEachBackend(
  'losses agree with the float64 reference',
  (backend, profile) => {
    for (const c of lossCases) {
      test.prop([c.inputs(backend, 'moderate'), keyArb()], params())(c.name, async ({ args, names, call }, k) => {
        await assertAgreement(call, args, { backend, ...c.agreement(profile), key: k, names });
      });
    }
  },
  comparedEntries,
);
