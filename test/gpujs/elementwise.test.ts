/**
 * Every elementwise, broadcast, transpose and reduction method of the gpujs backend against the
 * float64 reference, on random shapes, for every gpu.js mode that starts here (the others are
 * skipped with their reason printed).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../src/core/backend/backend.js';
import { broadcastShapes, sizeOf } from '../../src/core/shape.js';
import {
  axesArb, both, broadcastableArb, errorLog, expectAgree, expectExact, gridValues, permutationArb, reference, RUNS, seedArb, shapeArb, values,
} from './cases.js';
import { startModes } from './harness.js';

// Kernel compilation (10-250 ms each on the software GPUs) dominates; a loaded machine must not time out.
vi.setConfig({ testTimeout: 60_000 });
const started = await startModes();
afterAll(() => started.stop());

const DOMAIN: { readonly [Op in UnaryOp]: readonly [number, number] } = {
  neg: [-3, 3], exp: [-5, 5], log: [0.01, 4], log1p: [-0.9, 3], sqrt: [0, 4], tanh: [-4, 4], erf: [-3, 3],
};
const UNARY = Object.keys(DOMAIN) as UnaryOp[];
const ARITHMETIC: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div'];
const COMPARISON: readonly BinaryOp[] = ['maximum', 'greater', 'greaterEqual', 'equal'];

describe.each(started.ran.map((backend) => [backend.description, backend] as const))('%s', (_, backend) => {
  const log = errorLog();
  afterAll(() => console.log(`[purenet gpujs] ${backend.mode} worst relative errors: ${log.summary()}`));

  it('upload and download round-trip float32 values exactly, at every size', async () => {
    for (const shape of [[], [1], [7], [3, 5], [2, 3, 4], [0], [4, 0], [33, 29]]) {
      const host = values(sizeOf(shape), sizeOf(shape), -1e6, 1e6);
      const got = await backend.download(backend.upload(host, shape), shape);
      expect(Array.from(got)).toEqual(Array.from(host));
    }
  });

  it('fill', async () => {
    for (const [value, shape] of [[0, [3, 4]], [-2.5, []], [1e-7, [13]], [-Infinity, [2]], [7, [0]]] as const) {
      const got = await backend.download(backend.fill(value, shape), shape);
      expect(Array.from(got)).toEqual(new Array(sizeOf(shape)).fill(Math.fround(value)));
    }
  });

  it('unary ops agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(), seedArb, async (shape, seed) => {
        for (const op of UNARY) {
          const { x, r } = both(backend, values(seed, sizeOf(shape), ...DOMAIN[op]), shape);
          log.note(op, await expectAgree(backend, backend.unary(op, x, shape), reference.unary(op, r, shape), shape, `${op} ${JSON.stringify(shape)}`));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('log1p, tanh and erf keep their relative accuracy near 0 (the series branches)', async () => {
    const host = Float32Array.from([1e-6, -3e-5, 2e-4, -0.003, 0.05, -0.099, 0.12, 0.4, -0.49, 0.6]);
    const { x, r } = both(backend, host, [host.length]);
    for (const op of ['log1p', 'tanh', 'erf'] as const) {
      const got = await backend.download(backend.unary(op, x, [host.length]), [host.length]);
      const want = await reference.download(reference.unary(op, r, [host.length]), [host.length]);
      got.forEach((v, i) => expect(Math.abs(v - want[i]) / Math.abs(want[i]), `${op}(${host[i]})`).toBeLessThan(2e-6));
    }
  });

  it('binary arithmetic agrees with the reference under broadcasting', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb().chain((out) => fc.tuple(broadcastableArb(out), broadcastableArb(out))), seedArb, async ([aShape, bShape], seed) => {
        const outShape = broadcastShapes('test', aShape, bShape);
        const a = both(backend, values(seed, sizeOf(aShape)), aShape);
        const bHost = values(seed + 1, sizeOf(bShape), 0.5, 2).map((v, i) => (i % 2 === 0 ? v : -v));
        const b = both(backend, bHost, bShape);
        for (const op of ARITHMETIC) {
          const got = backend.binary(op, a.x, aShape, b.x, bShape, outShape);
          const want = reference.binary(op, a.r, aShape, b.r, bShape, outShape);
          log.note(op, await expectAgree(backend, got, want, outShape, `${op} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`));
        }
        // No op writes to its inputs.
        expect(Array.from(await backend.download(b.x, bShape))).toEqual(Array.from(bHost));
      }),
      { numRuns: RUNS },
    );
  });

  it('maximum and comparisons agree exactly, ties included', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb().chain((out) => fc.tuple(broadcastableArb(out), broadcastableArb(out))), seedArb, async ([aShape, bShape], seed) => {
        const outShape = broadcastShapes('test', aShape, bShape);
        const a = both(backend, gridValues(seed, sizeOf(aShape)), aShape);
        const b = both(backend, gridValues(seed + 7, sizeOf(bShape)), bShape);
        for (const op of COMPARISON) {
          await expectExact(backend, backend.binary(op, a.x, aShape, b.x, bShape, outShape), reference.binary(op, a.r, aShape, b.r, bShape, outShape), outShape, op);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('broadcastTo and transpose move values exactly', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(1, 4).chain((out) => fc.tuple(fc.constant(out), broadcastableArb(out), permutationArb(out.length))), seedArb, async ([out, shape, perm], seed) => {
        const { x, r } = both(backend, values(seed, sizeOf(shape)), shape);
        await expectExact(backend, backend.broadcastTo(x, shape, out), reference.broadcastTo(r, shape, out), out, 'broadcastTo');
        const y = both(backend, values(seed, sizeOf(out)), out);
        const permuted = perm.map((p) => out[p]);
        await expectExact(backend, backend.transpose(y.x, out, perm), reference.transpose(y.r, out, perm), permuted, `transpose by ${perm}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('sum and max over any axes agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb(1, 3).chain((shape) => fc.tuple(fc.constant(shape), axesArb(shape.length))), seedArb, async ([shape, axes], seed) => {
        const { x, r } = both(backend, values(seed, sizeOf(shape)), shape);
        const outShape = shape.filter((_, i) => !axes.includes(i));
        log.note('sum', await expectAgree(backend, backend.reduce('sum', x, shape, axes), reference.reduce('sum', r, shape, axes), outShape, `sum ${JSON.stringify(shape)} ${axes}`));
        await expectExact(backend, backend.reduce('max', x, shape, axes), reference.reduce('max', r, shape, axes), outShape, `max ${JSON.stringify(shape)} ${axes}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('long reductions run in two passes and stay accurate (loss over a batch, bias gradients)', async () => {
    const cases = [[[3, 1500], [1]], [[2000], [0]], [[1500, 3], [0]], [[4, 300, 5], [0, 2]], [[256, 784], [0, 1]], [[256, 10], [0]]] as const;
    for (const [shape, axes] of cases) {
      const { x, r } = both(backend, values(sizeOf(shape), sizeOf(shape), -1, 3), shape);
      const outShape = shape.filter((_, i) => !(axes as readonly number[]).includes(i));
      log.note('long sum', await expectAgree(backend, backend.reduce('sum', x, shape, axes), reference.reduce('sum', r, shape, axes), outShape, `sum ${shape} over ${axes}`, 1e-5));
      await expectExact(backend, backend.reduce('max', x, shape, axes), reference.reduce('max', r, shape, axes), outShape, `max ${shape} over ${axes}`);
    }
  });

  it.each([
    ['plain Adam, direction only', {}],
    ['Adam with weight_decay (coupled), applied to the parameter', { coupledDecay: 0.01, applyFactor: -1e-3 }],
    ['AdamW (decoupled decay), applied to the parameter', { decoupledDecay: 0.01, applyFactor: -1e-3 }],
  ] as const)('the fused Adam sweep agrees with the reference over steps: %s', async (_name, extra) => {
    const adamRef = reference.adamStep?.bind(reference);
    if (adamRef === undefined) return console.warn('[purenet gpujs] reference has no adamStep: nothing to compare');
    const shape = [37, 11];
    const n = sizeOf(shape);
    let mu = both(backend, values(1, n, -0.1, 0.1), shape);
    let nu = both(backend, values(2, n, 0, 0.01), shape);
    let p = both(backend, values(3, n), shape);
    for (let t = 1; t <= 3; t++) {
      const g = both(backend, values(10 + t, n), shape);
      const hyper = { b1: 0.9, b2: 0.999, stepScale: Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t), epsScaled: 1e-8 * Math.sqrt(1 - 0.999 ** t), ...extra };
      const got = backend.adamStep(g.x, mu.x, nu.x, shape, hyper, p.x);
      const want = adamRef(g.r, mu.r, nu.r, shape, hyper, p.r);
      for (const part of ['result', 'mu', 'nu'] as const) {
        log.note(`adam ${part}`, await expectAgree(backend, got[part], want[part], shape, `adamStep ${part} at step ${t}`));
      }
      [mu, nu] = [{ x: got.mu, r: want.mu }, { x: got.nu, r: want.nu }];
      if ('applyFactor' in extra) p = { x: got.result, r: want.result };
    }
  });

  it('reductions over empty axes give the identity', async () => {
    expect(Array.from(await backend.download(backend.reduce('sum', backend.fill(0, [3, 0]), [3, 0], [1]), [3]))).toEqual([0, 0, 0]);
    expect(Array.from(await backend.download(backend.reduce('max', backend.fill(0, [0, 2]), [0, 2], [0]), [2]))).toEqual([-Infinity, -Infinity]);
  });
});
