/**
 * The gpujs backend's concat and slice against the float64 reference: exact copies on random
 * shapes and axes, empty inputs and outputs, and more inputs than one kernel takes (the tree).
 */
import fc from 'fast-check';
import { afterAll, describe, it, vi } from 'vitest';
import { sizeOf, type Shape } from '../../src/core/shape.js';
import { both, expectExact, reference, RUNS, seedArb, shapeArb, values } from './cases.js';
import { startModes } from './harness.js';

vi.setConfig({ testTimeout: 60_000 });
const started = await startModes();
afterAll(() => started.stop());

const joined = (shapes: readonly Shape[], axis: number): Shape => shapes[0].map((d, a) => (a === axis ? shapes.reduce((n, s) => n + s[axis], 0) : d));

describe.each(started.ran.map((backend) => [backend.description, backend] as const))('%s', (_, backend) => {
  const concatBoth = async (shapes: readonly Shape[], axis: number, seed: number): Promise<void> => {
    const parts = shapes.map((shape, k) => ({ shape, ...both(backend, values(seed + k, sizeOf(shape)), shape) }));
    const out = joined(shapes, axis);
    const got = backend.concat(parts.map(({ x, shape }) => ({ buffer: x, shape })), axis, out);
    const want = reference.concat(parts.map(({ r, shape }) => ({ buffer: r, shape })), axis, out);
    await expectExact(backend, got, want, out, `concat of ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} on axis ${axis}`);
  };

  it('concat of 1-3 inputs on any axis copies values exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb(1, 3).chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }))),
        seedArb,
        async ([shape, axis, widths], seed) => concatBoth(widths.map((w) => shape.map((d, a) => (a === axis ? w : d))), axis, seed),
      ),
      { numRuns: RUNS },
    );
  });

  it('concat of many inputs (a tree of kernels), with empty ones among them', async () => {
    await concatBoth(Array.from({ length: 11 }, (_, k) => [k % 3, 5]), 0, 7);
    await concatBoth(Array.from({ length: 9 }, (_, k) => [3, k === 4 ? 0 : 2]), 1, 8);
    await concatBoth([[2, 0], [2, 0]], 1, 9);
  });

  it('slices of one output shape from inputs of different sizes (kernels keyed by input size)', async () => {
    for (const shape of [[22], [4], [2, 2], [3, 5]]) {
      const { x, r } = both(backend, values(shape.length, sizeOf(shape)), shape);
      const begin = shape.map(() => 0);
      const out = shape.map((d, a) => (a === 0 ? 1 : d));
      await expectExact(backend, backend.slice(x, shape, begin, out), reference.slice(r, shape, begin, out), out, `slice [${shape.join(', ')}] -> [${out.join(', ')}]`);
    }
  });

  it('slice of any block copies values exactly', async () => {
    const blockArb = shapeArb(0, 4).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b })))))),
    );
    await fc.assert(
      fc.asyncProperty(blockArb, seedArb, async ([shape, bounds], seed) => {
        const { x, r } = both(backend, values(seed, sizeOf(shape)), shape);
        const begin = bounds.map(([b]) => b);
        const out = bounds.map(([, s]) => s);
        await expectExact(backend, backend.slice(x, shape, begin, out), reference.slice(r, shape, begin, out), out, `slice [${shape.join(', ')}] at [${begin.join(', ')}] size [${out.join(', ')}]`);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
