/**
 * The concat and slice primitives on concrete cases: values, -1 sizes, negative axes, empty
 * blocks, shape errors that name the op, gradients by hand, and the property that motivated
 * them: a non-finite value stays where it is (map and concatAll no longer spread NaN).
 */
import { describe, expect, it } from 'vitest';
import {
  concat, cpuBackend, div, mul, ShapeError, slice, sum, tensor, toArray, valueAndGrad, referenceBackend, type Tensor,
} from '../../../src/core/index.js';
import { concatAll } from '../../../src/layers/merges.js';
import { map } from '../../../src/layers/map.js';

const reference = referenceBackend();
const cpu = cpuBackend();
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));
const iota = (n: number, start = 0): number[] => Array.from({ length: n }, (_, i) => start + i);

describe('concat', () => {
  it('joins along the last, first and a middle axis, on both array backends', async () => {
    for (const backend of [reference, cpu]) {
      const a = tensor(backend, iota(6), [2, 3]);
      const b = tensor(backend, iota(4, 10), [2, 2]);
      const last = concat([a, b], -1);
      expect(last.shape).toEqual([2, 5]);
      expect(await values(last)).toEqual([0, 1, 2, 10, 11, 3, 4, 5, 12, 13]);
      const first = concat([a, tensor(backend, iota(3, 20), [1, 3])], 0);
      expect(first.shape).toEqual([3, 3]);
      expect(await values(first)).toEqual([0, 1, 2, 3, 4, 5, 20, 21, 22]);
      const x = tensor(backend, iota(8), [2, 2, 2]);
      const y = tensor(backend, iota(4, 100), [2, 1, 2]);
      expect(await values(concat([x, y], 1))).toEqual([0, 1, 2, 3, 100, 101, 4, 5, 6, 7, 102, 103]);
    }
  });

  it('takes empty inputs, and long runs copied in blocks', async () => {
    const e = tensor(reference, [], [3, 0]);
    const a = tensor(reference, iota(3 * 40), [3, 40]);
    const out = concat([e, a, e, a], 1);
    expect(out.shape).toEqual([3, 80]);
    const want = [0, 1, 2].flatMap((r) => [...iota(40, r * 40), ...iota(40, r * 40)]);
    expect(await values(out)).toEqual(want);
  });

  it('returns a single tensor as it is', () => {
    const a = tensor(reference, [1, 2], [2]);
    expect(concat([a])).toBe(a);
  });

  it('refuses mismatched shapes, bad axes, scalars and no tensors, naming concat and the shapes', () => {
    const a = tensor(reference, iota(6), [2, 3]);
    expect(() => concat([a, tensor(reference, iota(6), [3, 2])], 1)).toThrow(ShapeError);
    expect(() => concat([a, tensor(reference, iota(6), [3, 2])], 1)).toThrow(/^concat: expected shapes that differ only on axis 1, got \[2, 3\], \[3, 2\]/);
    expect(() => concat([a, tensor(reference, iota(6), [6])], 0)).toThrow(/concat: .*\[6\]/);
    expect(() => concat([a, a], 2)).toThrow(/concat: axis 2 is out of range for rank 2/);
    expect(() => concat([tensor(reference, [1], []), tensor(reference, [2], [])])).toThrow(/concat: expected tensors of rank >= 1/);
    expect(() => concat([])).toThrow(/concat: expected at least one tensor/);
  });

  it('gives each input its slice of the cotangent', async () => {
    const w = tensor(reference, iota(10, 1), [2, 5]);
    const f = (a: Tensor, b: Tensor) => sum(mul(concat([a, b], 1), w));
    const [, grads] = valueAndGrad((p: { a: Tensor; b: Tensor }) => f(p.a, p.b))({ a: tensor(reference, iota(6), [2, 3]), b: tensor(reference, iota(4), [2, 2]) });
    expect(await values(grads.a)).toEqual([1, 2, 3, 6, 7, 8]);
    expect(await values(grads.b)).toEqual([4, 5, 9, 10]);
  });
});

describe('slice', () => {
  it('takes a block, with -1 meaning to the end', async () => {
    for (const backend of [reference, cpu]) {
      const x = tensor(backend, iota(24), [4, 6]);
      const y = slice(x, [1, 2], [2, -1]);
      expect(y.shape).toEqual([2, 4]);
      expect(await values(y)).toEqual([8, 9, 10, 11, 14, 15, 16, 17]);
      const z = tensor(backend, iota(24), [2, 3, 4]);
      expect(await values(slice(z, [1, 0, 1], [1, -1, 2]))).toEqual([13, 14, 17, 18, 21, 22]);
      expect(await values(slice(z, [0, 1, 0], [2, 1, -1]))).toEqual([4, 5, 6, 7, 16, 17, 18, 19]);
      expect(await values(slice(tensor(backend, [5], []), [], []))).toEqual([5]);
      expect(slice(x, [4, 0], [0, 6]).shape).toEqual([0, 6]);
    }
  });

  it('refuses blocks that do not fit, naming slice and the shapes', () => {
    const x = tensor(reference, iota(24), [4, 6]);
    expect(() => slice(x, [3, 0], [2, 6])).toThrow(ShapeError);
    expect(() => slice(x, [3, 0], [2, 6])).toThrow(/^slice: expected 0 <= begin <= begin \+ size <= x.shape on every axis, got begin \[3, 0\] and size \[2, 6\] for x \[4, 6\] \(axis 0\)/);
    expect(() => slice(x, [0], [1])).toThrow(/slice: expected begin and size of length 2/);
    expect(() => slice(x, [-1, 0], [1, 1])).toThrow(/slice: .*axis 0/);
  });

  it('places the cotangent into zeros of the input shape', async () => {
    const x = tensor(reference, iota(24), [2, 3, 4]);
    const [, g] = valueAndGrad((x: Tensor) => sum(mul(slice(x, [1, 1, 1], [1, 2, 2]), tensor(reference, [1, 2, 3, 4], [1, 2, 2]))))(x);
    const want = new Array<number>(24).fill(0);
    want[12 + 4 + 1] = 1;
    want[12 + 4 + 2] = 2;
    want[12 + 8 + 1] = 3;
    want[12 + 8 + 2] = 4;
    expect(await values(g)).toEqual(want);
  });
});

describe('a non-finite value stays in its own place', () => {
  it('concatAll keeps other rows and columns finite', async () => {
    const a = tensor(reference, [Infinity, 1, 2, 3], [2, 2]);
    const b = tensor(reference, [4, 5], [2, 1]);
    expect(await values(concatAll({ a, b }))).toEqual([Infinity, 1, 4, 2, 3, 5]);
  });

  it('map row by row keeps other rows finite', async () => {
    const normalise = (x: Tensor): Tensor => div(x, sum(x));
    const x = tensor(reference, [Infinity, 1, 1, 3], [2, 2]);
    const y = await values(map(normalise).apply({} as never, x));
    expect(y.slice(2)).toEqual([0.25, 0.75]);
  });
});
