import { describe, expect, it } from 'vitest';
import { div, key, mul, normalValues, reshape, sqrt, sum, tensor, toArray, type Backend, type Tensor } from '../../../src/core/index.js';
import { relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import type { Layer } from '../../../src/layers/layer.js';
import { map } from '../../../src/layers/map.js';
import { sequential } from '../../../src/layers/sequential.js';
import { gradientError, reference, treeGradientError } from './finite-differences.js';

const randomTensor = <const S extends readonly number[]>(backend: Backend, seed: number, shape: S): Tensor<S> =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));
const close = (a: readonly number[], b: readonly number[], tolerance = 1e-12) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tolerance));
};

/** Each row divided by its own sum: NOT row-wise over a batch (it would divide by the batch's sum). */
const normaliseBySum = (x: Tensor): Tensor => div(x, sum(x));

/** A per-example layer with params that is not marked row-wise: x / |x| * gain, for x of shape [3]. */
const scaledUnit: Layer<{ readonly gain: Tensor<readonly [3]> }, Tensor<readonly [3]>, Tensor<readonly [3]>> = {
  describe: 'scaledUnit',
  init: (_key, backend) => ({ gain: tensor(backend, [1, 2, 3], [3]) }),
  apply: (params, x) => mul(div(x, sqrt(sum(mul(x, x)))), params.gain) as Tensor<readonly [3]>,
};

describe('map: a row-wise f runs once on the whole batch', () => {
  it('map(dense) over [B, T, F] equals dense on the [B*T, F] rows, in one call', async () => {
    const layer = dense(3, 2);
    let calls = 0;
    const counted = { ...layer, apply: (p: Parameters<typeof layer.apply>[0], x: Parameters<typeof layer.apply>[1]) => (calls++, layer.apply(p, x)) };
    const mapped = map(counted);
    const params = mapped.init(key(1), reference);
    expect(await values(params.weight)).toEqual(await values(layer.init(key(1), reference).weight));
    const x = randomTensor(reference, 2, [2, 4, 3]);
    const y = mapped.apply(params, x);
    expect(y.shape).toEqual([2, 4, 2]);
    expect(calls).toBe(1);
    expect(await values(y)).toEqual(await values(layer.apply(params, reshape(x, [8, 3]))));
  });

  it('the lecture block is row-wise, so map of it is one pass too', () => {
    expect(map(sequential().add('lin_1', dense(3, 4)).add('act', relu).add('lin_2', dense(4, 2))).rowwise).toBe(true);
    expect(map(normaliseBySum).rowwise).toBe(false);
  });
});

describe('map: any other f runs row by row', () => {
  it('applies f to each row separately', async () => {
    const x = tensor(reference, [1, 1, 2, 1, 3, 6, 2, 2, 4], [3, 3]);
    close(await values(map(normaliseBySum).apply({}, x)), [0.25, 0.25, 0.5, 0.1, 0.3, 0.6, 0.25, 0.25, 0.5]);
    // Without map the sum would be the whole batch's:
    expect((await values(normaliseBySum(x)))[0]).toBeCloseTo(1 / 22, 12);
  });

  it('gradients w.r.t. x and f’s params match central differences (reference backend)', async () => {
    const xValues = Array.from(normalValues(key(3), 12)).map((v) => v + 3); // positive sums, away from 0
    expect(await gradientError((x) => map(normaliseBySum).apply({}, x), xValues, [4, 3])).toBeLessThanOrEqual(0);
    const mapped = map(scaledUnit);
    const params = mapped.init(key(0), reference);
    expect(await gradientError((x) => mapped.apply(params, x as Tensor<readonly [number, 3]>), xValues, [4, 3])).toBeLessThanOrEqual(0);
    const x = tensor(reference, xValues, [4, 3]) as Tensor<readonly [number, 3]>;
    expect(await treeGradientError((p: typeof params) => mapped.apply(p, x), params)).toBeLessThanOrEqual(0);
  });

  it('row by row and all at once agree for a row-wise layer', async () => {
    const layer = dense(3, 2);
    const unmarked = { describe: layer.describe, init: layer.init, apply: layer.apply };
    const params = layer.init(key(4), reference);
    const x = randomTensor(reference, 5, [5, 3]);
    close(await values(map(unmarked).apply(params, x as never)), await values(map(layer).apply(params, x as never)), 1e-14);
  });

  it('keeps higher-rank rows and an empty batch', async () => {
    const rowsOf2x2 = map((x: Tensor) => div(x, sum(x)));
    const x = tensor(reference, [1, 1, 1, 1, 1, 2, 3, 4], [2, 2, 2]);
    const y = rowsOf2x2.apply({}, x);
    expect(y.shape).toEqual([2, 2, 2]);
    close(await values(y), [0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4]);
    expect(rowsOf2x2.apply({}, tensor(reference, [], [0, 2, 2])).shape).toEqual([0, 2, 2]);
  });

  it('errors name the combinator and the path', () => {
    expect(() => map(normaliseBySum).apply({}, tensor(reference, [1], []))).toThrow('map: expected x with a leading batch axis, got a scalar (f is normaliseBySum)');
    // A test double whose output shape changes between calls.
    let calls = 0;
    const unstable = (x: Tensor): Tensor => (calls++ === 0 ? x : reshape(x, [-1, 1]));
    const model = sequential({ rows: map(unstable) });
    expect(() => model.apply({}, tensor(reference, [1, 2, 3, 4], [2, 2]))).toThrow('map(rows): expected every row to give the shape of row 0, [2], got [2, 1] at row 1');
  });
});
