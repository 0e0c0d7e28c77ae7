/**
 * Type-level tests of the checked chain `sequential().add(...)`, run by `tsc` (npm run
 * typecheck). Each `// @ts-expect-error` marks a pipeline that must not compile: if it ever
 * compiles, tsc fails with "Unused '@ts-expect-error' directive". The exact compile-time message
 * is pinned with `AcceptsInput`, the type each `add` gives its entry parameter. Under vitest the
 * `it`s run the same code: the models are built (no compile-time check exists at run time) and
 * the run-time checks give the same verdicts.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { cpuBackend, key, tensor, type Tensor } from '../../src/core/index.js';
import { leakyRelu, relu, softmax } from '../../src/layers/activations.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import type { AcceptsInput, EntryNameError } from '../../src/layers/entry-types.js';
import type { InputOf, Layer, OutputOf, ParamsOf } from '../../src/layers/layer.js';
import { sequential } from '../../src/layers/sequential.js';
import type { ShapeMismatch } from '../../src/layers/shape-types.js';

const cpu = cpuBackend();
const lecture = () => sequential().add('lin_1', dense(784, 256)).add('act', relu).add('lin_2', dense(256, 10));
const batch = <const S extends readonly number[]>(shape: S): Tensor<S> => tensor(cpu, new Float32Array(shape.reduce((n, d) => n * d, 1)), shape);

describe('sequential().add: the lecture MLP', () => {
  it('carries 784 → 256 → 10 in its input, output and params; the batch stays number', () => {
    const model = lecture();
    expectTypeOf<InputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 784]>>();
    expectTypeOf<OutputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 10]>>();
    expectTypeOf<ParamsOf<typeof model>>().toEqualTypeOf<{
      readonly lin_1: { readonly weight: Tensor<readonly [256, 784]>; readonly bias: Tensor<readonly [256]> };
      readonly lin_2: { readonly weight: Tensor<readonly [10, 256]>; readonly bias: Tensor<readonly [10]> };
    }>();
    // The record form gives the same params type (its input and output are plain Tensor).
    const record = sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });
    expectTypeOf<ParamsOf<typeof record>>().toEqualTypeOf<ParamsOf<typeof model>>();
    expectTypeOf(model).toExtend<Layer<ParamsOf<typeof model>, Tensor<readonly [number, 784]>, Tensor<readonly [number, 10]>>>();
    expect(model.apply(model.init(key(0), cpu), batch([3, 784])).shape).toEqual([3, 10]);
  });

  it('does not compile dense(784, 256) followed by dense(128, 10), and says why', () => {
    const start = sequential().add('lin_1', dense(784, 256)).add('act', relu);
    expectTypeOf<AcceptsInput<ReturnType<typeof dense<128, 10>>, Tensor<readonly [number, 256]>, 'lin_2'>>().toEqualTypeOf<
      ShapeMismatch<'lin_2 expects x.shape[1] = 128, got 256 (x is [number, 256])'>
    >();
    // @ts-expect-error lin_2 takes 128 features, lin_1 gives 256
    const mismatched = start.add('lin_2', dense(128, 10));
    // Without the compile-time check the run-time one still refuses, naming the layer.
    expect(() => mismatched.apply(mismatched.init(key(0), cpu), batch([2, 784]))).toThrow('dense(lin_2): expected x.shape[-1] = 128, got 256 (weight is [10, 128])');
  });

  it('does not compile a model applied to the wrong width or with the wrong params', () => {
    const model = lecture();
    const params = model.init(key(0), cpu);
    // @ts-expect-error 28 features, the model takes 784
    expectTypeOf(model.apply).toBeCallableWith(params, batch([2, 28]));
    // @ts-expect-error an unchecked Tensor: check it at the boundary first (checkFeatures)
    expectTypeOf(model.apply).toBeCallableWith(params, batch([2, 784]) as Tensor);
    expectTypeOf(model.apply).toBeCallableWith(params, batch([2, 784]));
    const other = sequential().add('lin_1', dense(784, 128)).add('act', relu).add('lin_2', dense(128, 10));
    // @ts-expect-error params of a 784-128-10 model are not those of the 784-256-10 model
    expectTypeOf(model.apply).toBeCallableWith(other.init(key(0), cpu), batch([2, 784]));
    const { lin_2: _dropped, ...partial } = params;
    // @ts-expect-error lin_2 is missing
    expectTypeOf(model.apply).toBeCallableWith(partial, batch([2, 784]));
  });

  it('checks rank, and names entries that are functions', () => {
    const start = sequential().add('lin_1', dense(784, 256));
    expectTypeOf<AcceptsInput<(x: Tensor<readonly [number, number, 256]>) => Tensor, Tensor<readonly [number, 256]>, 'f'>>().toEqualTypeOf<
      ShapeMismatch<'f expects rank 3 [number, number, 256], got rank 2 (x is [number, 256])'>
    >();
    // @ts-expect-error f takes rank 3
    start.add('f', (x: Tensor<readonly [number, number, 256]>) => x);
    // @ts-expect-error f takes 128 features
    start.add('f', (x: Tensor<readonly [number, 128]>) => x);
    const typed = start.add('f', (x: Tensor<readonly [number, 256]>) => x);
    expectTypeOf<OutputOf<typeof typed>>().toEqualTypeOf<Tensor<readonly [number, 256]>>();
  });
});

describe('sequential().add: shape-generic entries pass sizes through, untyped ones stop the check', () => {
  it('relu, softmax and dropout keep [number, 256]', () => {
    const model = sequential().add('lin_1', dense(784, 256)).add('act', relu).add('drop', dropout(0.5)).add('probs', softmax);
    expectTypeOf<OutputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 256]>>();
    // dropout has no params: it is not in the params record.
    expectTypeOf<keyof ParamsOf<typeof model>>().toEqualTypeOf<'lin_1'>();
    // @ts-expect-error dropout kept 256, so 128 is still wrong
    model.add('lin_2', dense(128, 10));
  });

  it('a function typed Tensor → Tensor gives an unknown shape, which fits anything (checked at run time)', () => {
    const model = sequential().add('lin_1', dense(784, 256)).add('act', (x: Tensor) => leakyRelu(x, 0.2)).add('lin_2', dense(128, 10));
    expectTypeOf<OutputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 10]>>();
    expect(() => model.apply(model.init(key(0), cpu), batch([1, 784]))).toThrow('dense(lin_2): expected x.shape[-1] = 128, got 256');
  });

  it('sizes known at run time (number) fit any size', () => {
    const hidden: number = 256;
    const model = sequential().add('lin_1', dense(784, hidden)).add('act', relu).add('lin_2', dense(256, 10));
    expectTypeOf<InputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 784]>>();
    expectTypeOf<ParamsOf<typeof model>['lin_1']['weight']>().toEqualTypeOf<Tensor<readonly [number, 784]>>();
  });
});

describe('sequential().add: names', () => {
  it('does not compile a repeated layer name, an empty name or a dotted name', () => {
    const start = sequential().add('lin_1', dense(4, 4));
    expectTypeOf(start.add<'lin_1', ReturnType<typeof dense<4, 4>>>).parameter(0).toEqualTypeOf<'lin_1' & EntryNameError<"'lin_1' is already an entry of this model">>();
    // @ts-expect-error lin_1 is taken
    expect(() => start.add('lin_1', dense(4, 4))).toThrow("sequential: expected a new entry name, got 'lin_1' a second time");
    // @ts-expect-error dots separate levels in parameter names
    expect(() => start.add('a.b', relu)).toThrow("sequential: expected entry names without '.', got 'a.b'");
    // @ts-expect-error empty
    expect(() => sequential().add('', relu)).toThrow("sequential: expected entry names without '.', got ''");
  });

  it('nests: a chain is an entry of another chain, and its params nest under its name', () => {
    const block = sequential().add('lin_1', dense(16, 16)).add('act', relu);
    const model = sequential().add('block', block).add('head', dense(16, 2));
    expectTypeOf<ParamsOf<typeof model>>().toEqualTypeOf<{
      readonly block: { readonly lin_1: { readonly weight: Tensor<readonly [16, 16]>; readonly bias: Tensor<readonly [16]> } };
      readonly head: { readonly weight: Tensor<readonly [2, 16]>; readonly bias: Tensor<readonly [2]> };
    }>();
    // @ts-expect-error head takes 8
    sequential().add('block', block).add('head', dense(8, 2));
  });
});
