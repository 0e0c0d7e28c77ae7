/**
 * Type-level tests of the boundary checks and of the shape arithmetic behind the combinators,
 * run by `tsc` (npm run typecheck). A tensor made from untyped data is a plain `Tensor`, which a
 * typed model refuses at compile time; after one `checkFeatures` it is accepted. A size read at
 * run time becomes a `Dim<Tag>`, which only a tensor checked against the same tag fits.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { cpuBackend, key, tensor, type ShapeError, type Tensor } from '../../src/core/index.js';
import { relu } from '../../src/layers/activations.js';
import { dense } from '../../src/layers/dense.js';
import type { InputOf } from '../../src/layers/layer.js';
import { sequential } from '../../src/layers/sequential.js';
import { assertShape, checkFeatures, checkShape, dim } from '../../src/layers/shape-check.js';
import type { Add, Dim, Fits, FormatShape, PreservesShape } from '../../src/layers/shape-types.js';

const cpu = cpuBackend();

/** Data whose shape the compiler cannot know: as if parsed from a file. */
const untyped = (json: string): Tensor => {
  const { shape, values } = JSON.parse(json) as { shape: number[]; values: number[] };
  return tensor(cpu, values, shape);
};

describe('checkFeatures / checkShape: run-time sizes into the types', () => {
  it('turns an untyped tensor into one a typed model accepts', () => {
    const model = sequential().add('lin_1', dense(3, 4)).add('act', relu).add('lin_2', dense(4, 2));
    const params = model.init(key(0), cpu);
    const x = untyped('{"shape":[2,3],"values":[1,2,3,4,5,6]}');
    // @ts-expect-error an unchecked Tensor: its width is unknown at compile time
    expectTypeOf(model.apply).toBeCallableWith(params, x);
    const checked = checkFeatures(x, 3);
    expectTypeOf(checked).toEqualTypeOf<E.Either<ShapeError, Tensor<readonly [number, 3]>>>();
    if (E.isLeft(checked)) throw checked.left;
    expect(model.apply(params, checked.right).shape).toEqual([2, 2]);
    // Checked against the wrong width, it is refused at compile time too.
    const four = assertShape(x.shape[1] === 4 ? x : tensor(cpu, new Float32Array(8), [2, 4]), [null, 4]);
    // @ts-expect-error 4 features, the model takes 3
    expectTypeOf(model.apply).toBeCallableWith(params, four);
  });

  it('checkShape patterns: null is any size', () => {
    const x = untyped('{"shape":[2,2,3],"values":[1,2,3,4,5,6,7,8,9,10,11,12]}');
    expectTypeOf(checkShape(x, [null, 2, 3])).toEqualTypeOf<E.Either<ShapeError, Tensor<readonly [number, 2, 3]>>>();
    expectTypeOf(assertShape(x, [2, null, 3])).toEqualTypeOf<Tensor<readonly [2, number, 3]>>();
  });

  it('a tagged run-time size: model and data agree only through the same tag', () => {
    const width = dim('columns', untyped('{"shape":[1,5],"values":[0,0,0,0,0]}').shape[1]);
    expectTypeOf(width).toEqualTypeOf<Dim<'columns'>>();
    const model = sequential().add('lin_1', dense(width, 4)).add('act', relu);
    expectTypeOf<InputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, Dim<'columns'>]>>();
    const x = assertShape(untyped('{"shape":[1,5],"values":[1,2,3,4,5]}'), [null, width]);
    expectTypeOf(model.apply).toBeCallableWith(model.init(key(0), cpu), x);
    const rows = dim('rows', 5);
    // @ts-expect-error checked against another tag
    expectTypeOf(model.apply).toBeCallableWith(model.init(key(0), cpu), assertShape(x, [null, rows]));
    // @ts-expect-error a literal is not a tagged size: check the data against `width`
    expectTypeOf(model.apply).toBeCallableWith(model.init(key(0), cpu), assertShape(x, [null, 5]));
    // @ts-expect-error a tagged size is not 784
    sequential().add('lin_1', dense(width, 4)).add('lin_2', dense(784, 2));
  });
});

describe('shape arithmetic', () => {
  it('Fits: literals must agree, number and unknown ranks fit anything', () => {
    expectTypeOf<Fits<readonly [number, 784], readonly [32, 784]>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<readonly [number, 784], readonly [number, number]>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<readonly [number, 784], readonly number[]>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<readonly [number, 128], readonly [number, 256]>>().toEqualTypeOf<'x.shape[1] = 128, got 256'>();
    expectTypeOf<Fits<readonly [number, 784], readonly [number, 28, 28]>>().toEqualTypeOf<'rank 2 [number, 784], got rank 3'>();
    expectTypeOf<Fits<readonly [number, Dim<'a'>], readonly [number, Dim<'b'>]>>().toEqualTypeOf<'x.shape[1] = Dim<"a">, got Dim<"b">'>();
    expectTypeOf<FormatShape<readonly [number, 10]>>().toEqualTypeOf<'[number, 10]'>();
  });

  it('Add sums natural-number literals digit by digit', () => {
    expectTypeOf<Add<3, 5>>().toEqualTypeOf<8>();
    expectTypeOf<Add<999, 1>>().toEqualTypeOf<1000>();
    expectTypeOf<Add<784, 65536>>().toEqualTypeOf<66320>();
    expectTypeOf<Add<0, 0>>().toEqualTypeOf<0>();
    expectTypeOf<Add<number, 1>>().toEqualTypeOf<number>();
    expectTypeOf<Add<Dim<'a'>, 1>>().toEqualTypeOf<number>();
  });

  it('PreservesShape: generic entries keep their shape, typed ones do not', () => {
    expectTypeOf<PreservesShape<typeof relu>>().toEqualTypeOf<true>();
    expectTypeOf<PreservesShape<(x: Tensor) => Tensor>>().toEqualTypeOf<false>();
    expectTypeOf<PreservesShape<ReturnType<typeof dense<4, 4>>>>().toEqualTypeOf<false>();
  });
});
