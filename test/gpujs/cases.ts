/**
 * Inputs for the gpujs suites and the comparison with the float64 reference: values are float32
 * numbers (so both backends start from identical inputs), drawn from purenet's own PRNG, and
 * shapes include sizes that are not multiples of any tile (up to 13 per axis).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Backend, DeviceBuffer } from '../../src/core/backend/backend.js';
import { referenceBackend } from '../../src/core/backend/reference.js';
import { key, uniformValues } from '../../src/core/random.js';
import { sizeOf, type Shape } from '../../src/core/shape.js';
import { relativeError } from './harness.js';

export const reference = referenceBackend();

/** Runs per property; PURENET_GPUJS_RUNS raises it for a deeper local run. */
export const RUNS = Number(process.env.PURENET_GPUJS_RUNS ?? 4);

/** The bar from NUMERICS.md: relative Frobenius error of a float32 kernel against float64. */
export const TOLERANCE = 1e-4;

/** `n` float32 values in [low, high) from seed. */
export const values = (seed: number, n: number, low = -2, high = 2): Float32Array =>
  Float32Array.from(uniformValues(key(seed), n), (u) => low + u * (high - low));

/** Values on a coarse grid, so that comparisons meet ties and equalities. */
export const gridValues = (seed: number, n: number): Float32Array => Float32Array.from(uniformValues(key(seed), n), (u) => Math.floor(u * 7) / 2 - 1.5);

export const dimArb = fc.integer({ min: 1, max: 13 });
export const shapeArb = (minRank = 0, maxRank = 3): fc.Arbitrary<number[]> => fc.array(dimArb, { minLength: minRank, maxLength: maxRank });
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** A shape that broadcasts to `out`: a suffix of it, some axes set to 1. */
export const broadcastableArb = (out: readonly number[]): fc.Arbitrary<number[]> =>
  fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** A sorted, possibly empty subset of the axes of a rank-`rank` shape. */
export const axesArb = (rank: number): fc.Arbitrary<number[]> =>
  fc.array(fc.boolean(), { minLength: rank, maxLength: rank }).map((pick) => pick.flatMap((p, i) => (p ? [i] : [])));

export const permutationArb = (rank: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }).map((keys) =>
    keys.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i),
  );

/** The same host values on the backend under test and on the reference. */
export const both = (backend: Backend, host: Float32Array, shape: Shape): { readonly x: DeviceBuffer; readonly r: DeviceBuffer } => ({
  x: backend.upload(host, shape),
  r: reference.upload(host, shape),
});

/** Downloads both results and expects them within TOLERANCE; returns the error. */
export const expectAgree = async (backend: Backend, x: DeviceBuffer, r: DeviceBuffer, shape: Shape, what: string, tolerance = TOLERANCE): Promise<number> => {
  const got = await backend.download(x, shape);
  const want = await reference.download(r, shape);
  expect(got.length, `${what}: length`).toBe(sizeOf(shape));
  const error = relativeError(got, want);
  expect(error, `${what}: relative Frobenius error ${error.toExponential(2)}`).toBeLessThan(tolerance);
  return error;
};

/** Expects exact equality (comparisons, copies). */
export const expectExact = async (backend: Backend, x: DeviceBuffer, r: DeviceBuffer, shape: Shape, what: string): Promise<void> => {
  const got = Array.from(await backend.download(x, shape));
  const want = Array.from(await reference.download(r, shape), (v) => Math.fround(v));
  expect(got, what).toEqual(want);
};

/** Largest error seen per label, printed once per mode for the report. */
export const errorLog = (): { readonly note: (label: string, error: number) => void; readonly summary: () => string } => {
  const worst = new Map<string, number>();
  return {
    note: (label, error) => worst.set(label, Math.max(worst.get(label) ?? 0, error)),
    summary: () => [...worst].map(([label, error]) => `${label} ${error.toExponential(1)}`).join(', '),
  };
};
