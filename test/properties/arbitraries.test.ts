/**
 * The arbitraries keep their promises: shapes within bounds, pairs that broadcast, values away
 * from kinks and apart from each other, labels in range (with the ignore index at its rate),
 * parameters drawn from the layer's own init, keys, and readable counterexamples. They are used
 * here through `test.prop`, as a user would.
 */
import { describe, expect, it, vi } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { broadcastShapes, cpuBackend, normal, referenceBackend, sizeOf, toArray, type Backend, type Key } from '../../src/core/index.js';
import {
  axesArb, batchArb, broadcastableToArb, broadcastPairArb, keyArb, labelsArb, layerParamsArb, permutationArb, shapeArb, tensorArb, tensorsArb, valuesArb,
} from '../../src/testing/index.js';
import { params, propertyTimeout } from './support/config.js';

vi.setConfig({ testTimeout: propertyTimeout });

const reference = referenceBackend();
const gaps = (xs: readonly number[]): number[] => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.slice(1).map((x, i) => x - sorted[i]);
};

describe('shapes', () => {
  test.prop([shapeArb({ minRank: 1, maxRank: 4, minDim: 2, maxDim: 6, maxSize: 100 })], params(4))('respect rank, size and element bounds', (shape) => {
    expect(shape.length).toBeGreaterThanOrEqual(1);
    expect(shape.length).toBeLessThanOrEqual(4);
    expect(shape.every((d) => d >= 2 && d <= 6)).toBe(true);
    expect(sizeOf(shape)).toBeLessThanOrEqual(100);
  });
  test.prop([broadcastPairArb({ maxRank: 4 })], params(4))('broadcast pairs broadcast', ([a, b]) => {
    expect(() => broadcastShapes('test', a, b)).not.toThrow();
  });
  test.prop([broadcastableToArb({ maxRank: 4 })], params(4))('broadcastable shapes broadcast to their target', ([from, to]) => {
    expect(broadcastShapes('test', from, to)).toEqual(to);
  });
  test.prop([fc.integer({ min: 0, max: 5 }).chain((rank) => fc.tuple(fc.constant(rank), axesArb(rank), permutationArb(rank)))], params(4))(
    'axes are sorted distinct axes; permutations are permutations',
    ([rank, axes, perm]) => {
      expect([...axes].sort((a, b) => a - b)).toEqual(axes);
      expect(new Set(axes).size).toBe(axes.length);
      expect(axes.every((a) => a >= 0 && a < rank)).toBe(true);
      expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: rank }, (_, i) => i));
    },
  );
  it('broadcast pairs cover the interesting cases: equal, scalar, leading axes, size-1 axes', () => {
    const pairs = fc.sample(broadcastPairArb({ maxRank: 3 }), { numRuns: 300, seed: 1 });
    expect(pairs.some(([a, b]) => a.length === b.length && a.every((d, i) => d === b[i]) && a.length > 0)).toBe(true);
    expect(pairs.some(([a, b]) => a.length === 0 || b.length === 0)).toBe(true);
    expect(pairs.some(([a, b]) => a.length !== b.length && Math.min(a.length, b.length) > 0)).toBe(true);
    expect(pairs.some(([a, b]) => a.some((d, i) => d === 1 && b[b.length - a.length + i] > 1))).toBe(true);
  });
});

describe('values keep away from kinks', () => {
  const shapes = [[3, 7], [7]] as const;
  test.prop([valuesArb(shapes, { min: -1, max: 1, kinks: [0, 0.5], margin: 0.03 })], params(4))('at least margin from every kink, never below min', (values) => {
    for (const v of values) {
      expect(Math.abs(v)).toBeGreaterThanOrEqual(0.03);
      expect(Math.abs(v - 0.5)).toBeGreaterThanOrEqual(0.03);
      expect(v).toBeGreaterThanOrEqual(-1);
    }
  });
  test.prop([valuesArb(shapes, { distinct: 'all', margin: 0.02 })], params(4))("'all': every pair of values margin apart, across tensors", (values) => {
    expect(Math.min(...gaps(Array.from(values)))).toBeGreaterThanOrEqual(0.02 - 1e-12);
  });
  test.prop([valuesArb([[4, 5]], { distinct: 'lastAxis', margin: 0.05 })], params(4))("'lastAxis': values within each row margin apart", (values) => {
    for (let row = 0; row < 4; row++) expect(Math.min(...gaps(Array.from(values.subarray(row * 5, row * 5 + 5))))).toBeGreaterThanOrEqual(0.05 - 1e-12);
  });
  it('large draws (expanded from a key) obey the same constraints', () => {
    for (const values of fc.sample(valuesArb([[40, 30]], { min: 0.2, max: 3, kinks: [1], margin: 0.01 }), { numRuns: 5, seed: 2 })) {
      expect(values.every((v) => v >= 0.2 && Math.abs(v - 1) >= 0.01)).toBe(true);
    }
  });
  test.prop([tensorsArb(reference, [[2, 3], [3]], { distinct: 'all' })], params(2))('tensors carry the drawn values and shapes', async ([a, b]) => {
    expect(a.shape).toEqual([2, 3]);
    expect(b.shape).toEqual([3]);
    expect(gaps([...(await toArray(a)), ...(await toArray(b))]).every((g) => g >= 0.01 - 1e-12)).toBe(true);
  });
  it('tensors live on the backend they were drawn for and print their values', async () => {
    const cpu = cpuBackend();
    const [t] = fc.sample(tensorArb(cpu, [2, 2], { min: 1, max: 2, kinks: [] }), { numRuns: 1, seed: 3 });
    expect(t.backend).toBe(cpu);
    expect(fc.stringify(t)).toMatch(/^tensor\(\[2, 2\], \[1(\.\d+)?, \d/);
  });
});

describe('labels, batches, keys and layer parameters', () => {
  test.prop([labelsArb(200, { classes: 7, ignoreIndex: -1, ignoreRate: 0.25 })], params())('labels in [0, classes) or the ignore index', (labels) => {
    expect(Array.from(labels).every((y) => (y >= 0 && y < 7) || y === -1)).toBe(true);
  });
  it('the ignore index appears at about its rate', () => {
    const labels = fc.sample(labelsArb(2000, { classes: 5, ignoreRate: 0.2 }), { numRuns: 1, seed: 4 })[0];
    const rate = labels.filter((y) => y === -100).length / labels.length;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.25);
  });
  test.prop([batchArb(reference, { features: 5, classes: 3, minBatch: 2, maxBatch: 6 })], params())('batches pair [N, features] inputs with N labels', ({ x, labels }) => {
    expect(x.shape[1]).toBe(5);
    expect(labels.length).toBe(x.shape[0]);
    expect(x.shape[0]).toBeGreaterThanOrEqual(2);
    expect(x.shape[0]).toBeLessThanOrEqual(6);
  });
  it('keys cover both words', () => {
    const keys = fc.sample(keyArb(), { numRuns: 50, seed: 5 });
    expect(new Set(keys.map((k) => k.words.join())).size).toBeGreaterThan(45);
    expect(keys.some((k) => k.words[0] > 2 ** 31)).toBe(true);
  });

  const calls: Key[] = [];
  const layer = {
    describe: 'probe(3 → 2)',
    init: (k: Key, backend: Backend) => {
      calls.push(k);
      return { weight: normal(backend, k, [2, 3]), extra: [normal(backend, k, [2])] };
    },
  };
  it("parameters come from the layer's own init, with a drawn key, on the given backend", async () => {
    const drawn = fc.sample(layerParamsArb(layer, reference), { numRuns: 3, seed: 6 });
    expect(calls).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const again = layer.init(calls[i], reference);
      expect(Array.from(await toArray(drawn[i].weight))).toEqual(Array.from(await toArray(again.weight)));
      expect(drawn[i].extra[0].backend).toBe(reference);
    }
    expect(fc.stringify(drawn[0])).toMatch(/^probe\(3 → 2\)\.init\(keyFromWords\(\[\d+, \d+\]\)\)$/);
  });
});
