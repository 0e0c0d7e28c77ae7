import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cpuBackend, key, ShapeError, tensor, type Tensor } from '../../../src/core/index.js';
import { relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { sequential } from '../../../src/layers/sequential.js';
import { assertShape, checkFeatures, checkShape, dim } from '../../../src/layers/shape-check.js';

const cpu = cpuBackend();

/** A tensor whose shape comes from untyped data (as read from a file). */
const fromJson = (json: string): Tensor => {
  const { shape, values } = JSON.parse(json) as { shape: number[]; values: number[] };
  return tensor(cpu, values, shape);
};

describe('checkFeatures: the boundary between untyped data and a typed model', () => {
  it('returns the same tensor, retyped, when the width matches', () => {
    const x = fromJson('{"shape":[2,3],"values":[1,2,3,4,5,6]}');
    const checked = checkFeatures(x, 3);
    expect(E.isRight(checked) && checked.right).toBe(x);
    const model = sequential().add('lin_1', dense(3, 4)).add('act', relu).add('lin_2', dense(4, 2));
    const y = E.map((t: Tensor<readonly [number, 3]>) => model.apply(model.init(key(0), cpu), t))(checked);
    expect(E.isRight(y) && y.right.shape).toEqual([2, 2]);
  });

  it('returns a ShapeError naming the expected and received shapes', () => {
    const images = fromJson(`{"shape":[2,2,2],"values":[1,2,3,4,5,6,7,8]}`);
    const checked = checkFeatures(images, 784, 'mnist images');
    expect(E.isLeft(checked)).toBe(true);
    const error = (checked as E.Left<ShapeError>).left;
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('mnist images: expected shape [*, 784] (* is any size), got [2, 2, 2]');
    expect(E.isLeft(checkFeatures(fromJson('{"shape":[1,5],"values":[1,2,3,4,5]}'), 4))).toBe(true);
  });
});

describe('checkShape, assertShape, dim', () => {
  const x = fromJson('{"shape":[2,1,3],"values":[1,2,3,4,5,6]}');

  it('checkShape matches rank and every non-null size', () => {
    expect(E.isRight(checkShape(x, [null, 1, 3]))).toBe(true);
    expect(E.isRight(checkShape(x, [2, null, null]))).toBe(true);
    expect(E.isRight(checkShape(x, [2, 1, 3]))).toBe(true);
    expect(checkShape(x, [2, 3])).toEqual(E.left(new ShapeError('checkShape', 'expected shape [2, 3], got [2, 1, 3]')));
    expect(E.isLeft(checkShape(x, [null, 1, 4]))).toBe(true);
    expect(() => checkShape(x, [null, -1])).toThrow('checkShape: expected a pattern of sizes and nulls, got [*, -1]');
  });

  it('assertShape throws the same error', () => {
    expect(assertShape(x, [null, 1, 3])).toBe(x);
    expect(() => assertShape(x, [null, 3], 'batch')).toThrow(new ShapeError('batch', 'expected shape [*, 3] (* is any size), got [2, 1, 3]'));
  });

  it('dim accepts positive integers only', () => {
    expect(dim('columns', 5)).toBe(5);
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => dim('columns', bad)).toThrow(`dim: expected size 'columns' to be a positive integer, got ${bad}`);
  });
});
