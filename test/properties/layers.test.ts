/**
 * Every layer in the table (support/layer-cases.ts), certified: VJP with respect to its
 * parameters and its input together (adjoint identity, moderate sizes; full Jacobian, tiny
 * sizes), no mutation on any backend, and agreement of every backend with the reference.
 */
import { describe, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { referenceBackend, type Tensor, type Tree } from '../../src/core/index.js';
import { assertAgreement, assertGrad, assertNoMutation, assertVjp, keyArb, layerParamsArb } from '../../src/testing/index.js';
import { comparedEntries, describeEachBackend } from './support/backends.js';
import { params, propertyTimeout } from './support/config.js';
import { layerCases, type LayerCase } from './support/layer-cases.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();
const names = ['params', 'x'];
const applied = (c: LayerCase) => (p: Tree, x: Tensor) => c.run(p, x);
const skipKinks = async (c: LayerCase, p: Tree, x: Tensor): Promise<void> => {
  if (c.onKink !== undefined) fc.pre(!(await c.onKink(p, x)));
};

describe('layer VJPs match central differences (float64 reference)', () => {
  for (const c of layerCases) {
    test.prop([layerParamsArb(c, reference), c.input(reference, 'moderate'), keyArb()], params())(`${c.name}: checkVjp over params and input`, async (p, x, k) => {
      await skipKinks(c, p, x);
      await assertVjp(applied(c), [p, x], { key: k, names });
    });
    test.prop([layerParamsArb(c, reference), c.input(reference, 'tiny')], params(0.5))(`${c.name}: checkGrad (full Jacobian)`, async (p, x) => {
      await skipKinks(c, p, x);
      await assertGrad(applied(c), [p, x], { names });
    });
  }
});

await describeEachBackend('no layer mutates its parameters or inputs', (backend, profile) => {
  for (const c of layerCases) {
    test.prop([layerParamsArb(c, backend), c.input(backend, 'moderate'), keyArb()], params(0.5))(c.name, async (p, x, k) => {
      await assertNoMutation(applied(c), [p, x], { key: k, names });
    });
  }
});

await describeEachBackend(
  'layers agree with the float64 reference',
  (backend, profile) => {
    for (const c of layerCases) {
      test.prop([layerParamsArb(c, backend), c.input(backend, 'moderate'), keyArb()], params(0.5))(c.name, async (p, x, k) => {
        await assertAgreement(applied(c), [p, x], { backend, ...c.agreement(profile), key: k, names });
      });
    }
  },
  comparedEntries,
);
