/**
 * Every primitive's VJP, certified on the float64 reference: the adjoint identity on random
 * shapes (broadcasting included for binary ops) and the full Jacobian on tiny shapes. Primitives
 * with several inputs are also certified with only some of them differentiated (rules may skip
 * the gradients nobody asked for). A primitive whose VJP is zero by design (stopGradient) is
 * certified as exactly that.
 */
import { describe, expect, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { broadcastTo, referenceBackend, scalar, toArray, vjp, type PrimitiveName, type Tensor } from '../../src/core/index.js';
import { assertGrad, assertVjp, keyArb } from '../../src/testing/index.js';
import { params, propertyTimeout } from './support/config.js';
import { moderate, primitiveCases, tiny } from './support/primitive-cases.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();

describe('primitive VJPs match central differences (float64 reference)', () => {
  for (const name of Object.keys(primitiveCases) as PrimitiveName[]) {
    const entry = primitiveCases[name];
    if (entry.gradient === 'stopped') {
      test.prop([entry.inputs(reference, moderate)], params())(`${name}: identity forward, exactly zero gradient`, async ({ args, call }) => {
        const [out, pullback] = vjp(call)(...args);
        expect(Array.from(await toArray(out))).toEqual(Array.from(await toArray(args[0])));
        const ct = scalar(reference, 1);
        const [g] = pullback(broadcastTo(ct, out.shape)) as readonly Tensor[];
        expect(Array.from(await toArray(g)).every((v) => v === 0)).toBe(true);
      });
      continue;
    }
    test.prop([entry.inputs(reference, moderate), keyArb()], params())(`${name}: checkVjp on random shapes`, async ({ args, names, call }, k) => {
      await assertVjp(call, args, { key: k, names });
    });
    test.prop([entry.inputs(reference, tiny)], params(0.5))(`${name}: checkGrad (full Jacobian) on tiny shapes`, async ({ args, names, call }) => {
      await assertGrad(call, args, { names });
    });
    const [sample] = fc.sample(entry.inputs(reference, tiny), { numRuns: 1, seed: 0 });
    if (sample.args.length < 2) continue;
    const someArgs = fc.tuple(entry.inputs(reference, moderate), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), keyArb());
    test.prop([someArgs], params())(`${name}: checkVjp with only some inputs differentiated`, async ([{ args, names, call }, mask, k]) => {
      const chosen = args.map((_, i) => i).filter((i) => mask[i] === true);
      const differentiated = chosen.length === 0 || chosen.length === args.length ? [0] : chosen;
      // The others are constants captured by the closure, as labels would be.
      const partial = (...picked: readonly Tensor[]) => call(...args.map((a, i) => (differentiated.includes(i) ? picked[differentiated.indexOf(i)] : a)));
      await assertVjp(partial, differentiated.map((i) => args[i]), { key: k, names: differentiated.map((i) => names[i]) });
    });
  }
});
