import { describe, expect, it } from 'vitest';
import { add, cpuBackend, key, mul, normalValues, reshape, split, tensor, toArray, type Backend, type Tensor } from '../../../src/core/index.js';
import { relu, sigmoid } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { dropout } from '../../../src/layers/dropout.js';
import { trainContext } from '../../../src/layers/layer.js';
import { addAll, concatAll, multiplyAll } from '../../../src/layers/merges.js';
import { parallel } from '../../../src/layers/parallel.js';
import { sequential } from '../../../src/layers/sequential.js';
import { summary } from '../../../src/layers/summary.js';
import { gradientError, reference, treeGradientError } from './finite-differences.js';

const cpu = cpuBackend();
const randomTensor = <const S extends readonly number[]>(backend: Backend, seed: number, shape: S): Tensor<S> =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));

describe('parallel: fan-out and merge', () => {
  const [a, b] = [dense(4, 3), dense(4, 3)];

  it('addAll / multiplyAll: elementwise over the branch outputs', async () => {
    const summed = parallel({ a, b }, addAll);
    const params = summed.init(key(1), reference);
    const x = randomTensor(reference, 2, [5, 4]);
    const [ya, yb] = [a.apply(params.a, x), b.apply(params.b, x)];
    expect(await values(summed.apply(params, x))).toEqual(await values(add(ya, yb)));
    expect(await values(parallel({ a, b }, multiplyAll).apply(params, x))).toEqual(await values(mul(ya, yb)));
    expect(summed.describe).toBe('parallel(a: dense(4 → 3), b: dense(4 → 3); addAll)');
  });

  it('gives branch i the init key split(key, n)[i] and names params by branch', async () => {
    const block = parallel({ a, act: relu, b }, concatAll);
    const params = block.init(key(7), reference);
    expect(Object.keys(params)).toEqual(['a', 'b']);
    expect(await values(params.b.weight)).toEqual(await values(b.init(split(key(7), 3)[2], reference).weight));
    const model = sequential().add('stem', dense(2, 4)).add('block', parallel({ a, b }, concatAll));
    expect(summary(model, model.init(key(0), cpu)).parameters.map((p) => p.name)).toEqual(['stem.weight', 'stem.bias', 'block.a.weight', 'block.a.bias', 'block.b.weight', 'block.b.bias']);
  });

  it('a custom merge can return a record (a Gaussian head)', async () => {
    const head = parallel({ mu: dense(4, 1), logVar: dense(4, 1) }, (out) => out);
    const params = head.init(key(0), reference);
    const x = randomTensor(reference, 1, [3, 4]);
    const { mu, logVar } = head.apply(params, x);
    expect(mu.shape).toEqual([3, 1]);
    expect(await values(logVar)).toEqual(await values(dense(4, 1).apply(params.logVar, x)));
  });

  it('gradients w.r.t. x and params match central differences (reference backend)', async () => {
    const gated = parallel({ value: dense(3, 2), gate: sequential().add('lin', dense(3, 2)).add('act', sigmoid), skip: (t: Tensor) => reshape(t, [-1, 3]) }, (out) =>
      concatAll({ gated: multiplyAll({ v: out.value, g: out.gate }), skip: out.skip }),
    );
    const params = gated.init(key(2), reference);
    const xValues = Array.from(normalValues(key(3), 6));
    expect(await gradientError((x) => gated.apply(params, x as Tensor<readonly [number, 3]>), xValues, [2, 3])).toBeLessThanOrEqual(0);
    expect(await treeGradientError((p: typeof params) => gated.apply(p, tensor(reference, xValues, [2, 3])), params)).toBeLessThanOrEqual(0);
  });

  it('splits context.key among the branches', async () => {
    const twoDrops = parallel({ p: dropout(0.5), q: dropout(0.5) }, (out) => out);
    const x = tensor(reference, new Float64Array(64).fill(1), [4, 16]);
    const { p, q } = twoDrops.apply({}, x, trainContext(key(5)));
    expect(await values(p)).not.toEqual(await values(q));
    expect(await values(p)).toEqual(await values(dropout(0.5).apply({}, x, trainContext(split(key(5), 2)[0]))));
  });

  it('is row-wise exactly when its branches and merge are', () => {
    expect(parallel({ a, b }, addAll).rowwise).toBe(true);
    expect(parallel({ a, b }, (out) => add(out.a, out.b)).rowwise).toBe(false);
    expect(parallel({ a, f: (t: Tensor) => t }, addAll).rowwise).toBe(false);
  });
});

describe('parallel: errors name the combinator and the path', () => {
  it('refuses unknown params, and a failing branch names its dotted path', () => {
    // A 5 → 3 branch typed as 4 → 3, as an untyped caller might build it: the run-time check remains.
    const block = parallel({ a: dense(4, 3), b: dense(5, 3) as unknown as ReturnType<typeof dense<4, 3>> }, addAll);
    const model = sequential({ block });
    const params = model.init(key(0), cpu);
    expect(() => model.apply(params, randomTensor(cpu, 0, [2, 4]))).toThrow('dense(block.b): expected x.shape[-1] = 5, got 4');
    expect(() => model.apply({ block: { ...params.block, c: params.block.a } } as never, randomTensor(cpu, 0, [2, 4]))).toThrow(
      'parallel(block): params have entries [c] that are not branches of this block (branches with params: a, b)',
    );
  });

  it('addAll and concatAll refuse outputs that do not fit, listing them', () => {
    const widen = (t: Tensor) => reshape(t, [t.shape[0] * 2, -1]);
    const mixed = parallel({ a: (t: Tensor) => t, b: widen }, addAll, { name: 'mix' });
    const x = randomTensor(cpu, 0, [2, 4]);
    expect(() => mixed.apply({}, x)).toThrow('parallel(mix): addAll expected branch outputs of one shape, got a [2, 4], b [4, 2]');
    const joined = parallel({ a: (t: Tensor) => t, b: widen }, concatAll);
    expect(() => sequential({ block: joined }).apply({}, x)).toThrow('parallel(block): concatAll expected branch outputs that differ only in the last axis, got a [2, 4], b [4, 2]');
  });

  it('refuses empty, dotted or mixed integer branch names and a missing merge', () => {
    expect(() => parallel({}, addAll)).toThrow('parallel: expected at least one branch, got {}');
    expect(() => parallel({ 'a.b': relu }, addAll)).toThrow("parallel: expected entry names without '.', got 'a.b'");
    expect(() => parallel({ a: relu, 0: relu }, addAll)).toThrow('parallel: expected all entry names to be integers or none');
    expect(() => parallel({ a: relu }, undefined as never)).toThrow('parallel: expected a merge function, got undefined');
  });
});
