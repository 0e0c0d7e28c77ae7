/**
 * Type-level tests of parallel, the merges, residual and map, run by `tsc` (npm run typecheck):
 * the combinators keep literal sizes, params keep their names, and pipelines that cannot fit do
 * not compile (`// @ts-expect-error`, which itself fails tsc once the line compiles). Under
 * vitest the layers are built for real, so construction-time behaviour runs too.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { cpuBackend, zeros, type Tensor } from '../../src/core/index.js';
import { relu, sigmoid } from '../../src/layers/activations.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import type { InputOf, NoParams, OutputOf, ParamsOf, ShapePreservingLayer } from '../../src/layers/layer.js';
import { map } from '../../src/layers/map.js';
import { addAll, concatAll, multiplyAll, type SameShapes } from '../../src/layers/merges.js';
import { parallel } from '../../src/layers/parallel.js';
import { residual, type ResidualEntry } from '../../src/layers/residual.js';
import { sequential } from '../../src/layers/sequential.js';
import type { ShapeMismatch } from '../../src/layers/shape-types.js';

type Dense<I extends number, O extends number> = ReturnType<typeof dense<I, O>>;
type DenseP<I extends number, O extends number> = { readonly weight: Tensor<readonly [O, I]>; readonly bias: Tensor<readonly [O]> };

describe('parallel', () => {
  it('takes the branches’ common input; the merge decides the output', () => {
    const summed = parallel({ a: dense(4, 3), b: dense(4, 3) }, addAll);
    expectTypeOf<InputOf<typeof summed>>().toEqualTypeOf<Tensor<readonly [number, 4]>>();
    expectTypeOf<OutputOf<typeof summed>>().toEqualTypeOf<Tensor<readonly [number, 3]>>();
    expectTypeOf<ParamsOf<typeof summed>>().toEqualTypeOf<{ readonly a: DenseP<4, 3>; readonly b: DenseP<4, 3> }>();
    const joined = parallel({ a: dense(4, 3), b: dense(4, 5) }, concatAll);
    expectTypeOf<OutputOf<typeof joined>>().toEqualTypeOf<Tensor<readonly [number, 8]>>();
    const wide = parallel({ a: dense(4, 256), b: dense(4, 512), c: dense(4, 1024) }, concatAll);
    expectTypeOf<OutputOf<typeof wide>>().toEqualTypeOf<Tensor<readonly [number, 1792]>>();
    const gated = parallel({ value: dense(4, 3), gate: sequential().add('lin', dense(4, 3)).add('act', sigmoid) }, multiplyAll);
    expectTypeOf<OutputOf<typeof gated>>().toEqualTypeOf<Tensor<readonly [number, 3]>>();
    expectTypeOf<ParamsOf<typeof gated>>().toEqualTypeOf<{ readonly value: DenseP<4, 3>; readonly gate: { readonly lin: DenseP<4, 3> } }>();
  });

  it('a custom merge sees each branch output; shape-generic branches get the common input', () => {
    const head = parallel({ mu: dense(64, 1), logVar: dense(64, 1) }, (out) => out);
    expectTypeOf<OutputOf<typeof head>>().toEqualTypeOf<{ readonly mu: Tensor<readonly [number, 1]>; readonly logVar: Tensor<readonly [number, 1]> }>();
    const skip = parallel({ lin: dense(4, 4), act: relu, drop: dropout(0.1) }, (out) => {
      expectTypeOf(out.act).toEqualTypeOf<Tensor<readonly [number, 4]>>();
      expectTypeOf(out.drop).toEqualTypeOf<Tensor<readonly [number, 4]>>();
      return addAll(out);
    });
    expectTypeOf<OutputOf<typeof skip>>().toEqualTypeOf<Tensor<readonly [number, 4]>>();
    expectTypeOf<ParamsOf<typeof skip>>().toEqualTypeOf<{ readonly lin: DenseP<4, 4> }>();
  });

  it('does not compile branches that disagree on the input, or addAll over outputs of two shapes', () => {
    // @ts-expect-error a takes 4 features, b takes 5
    parallel({ a: dense(4, 3), b: dense(5, 3) }, addAll);
    // @ts-expect-error [number, 3] + [number, 5]
    parallel({ a: dense(4, 3), b: dense(4, 5) }, addAll);
    expectTypeOf<SameShapes<{ a: Tensor<readonly [number, 3]>; b: Tensor<readonly [number, 5]> }>['a']>().toEqualTypeOf<
      ShapeMismatch<"elementwise merge: the outputs must have one shape, but 'a' is [number, 3] and 'b' is [number, 5]">
    >();
    const three = zeros(cpuBackend(), [1, 3]) as Tensor<readonly [number, 3]>;
    const five = zeros(cpuBackend(), [1, 5]) as Tensor<readonly [number, 5]>;
    // @ts-expect-error the same, called directly (and refused at run time)
    expect(() => addAll({ a: three, b: five })).toThrow('parallel: addAll expected branch outputs of one shape, got a [1, 3], b [1, 5]');
  });

  it('composes in a checked chain', () => {
    const model = sequential().add('lin_1', dense(8, 4)).add('block', parallel({ a: dense(4, 3), b: dense(4, 5) }, concatAll)).add('head', dense(8, 2));
    expectTypeOf<OutputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 2]>>();
    expectTypeOf<ParamsOf<typeof model>['block']['b']['weight']>().toEqualTypeOf<Tensor<readonly [5, 4]>>();
    // @ts-expect-error the concatenation is 3 + 5 = 8 wide
    sequential().add('block', parallel({ a: dense(4, 3), b: dense(4, 5) }, concatAll)).add('head', dense(7, 2));
  });
});

describe('residual', () => {
  it('keeps f’s params and its input type', () => {
    const block = residual(sequential().add('lin_1', dense(64, 64)).add('act', relu).add('lin_2', dense(64, 64)));
    expectTypeOf<InputOf<typeof block>>().toEqualTypeOf<Tensor<readonly [number, 64]>>();
    expectTypeOf<OutputOf<typeof block>>().toEqualTypeOf<Tensor<readonly [number, 64]>>();
    expectTypeOf<ParamsOf<typeof block>>().toEqualTypeOf<{ readonly lin_1: DenseP<64, 64>; readonly lin_2: DenseP<64, 64> }>();
    const model = sequential().add('lin_1', dense(784, 64)).add('block', block).add('head', dense(64, 10));
    expectTypeOf<keyof ParamsOf<typeof model>['block']>().toEqualTypeOf<'lin_1' | 'lin_2'>();
    // @ts-expect-error the block takes 64 features, lin_1 gives 256
    sequential().add('lin_1', dense(784, 256)).add('block', block);
  });

  it('a shape-generic f gives a shape-generic block', () => {
    expectTypeOf(residual(relu)).toEqualTypeOf<ShapePreservingLayer<NoParams>>();
    const model = sequential().add('lin_1', dense(8, 4)).add('skip', residual(relu)).add('head', dense(4, 1));
    expectTypeOf<OutputOf<typeof model>>().toEqualTypeOf<Tensor<readonly [number, 1]>>();
  });

  it('does not compile an f whose output shape differs from its input', () => {
    expectTypeOf<ResidualEntry<Dense<4, 3>>>().toEqualTypeOf<ShapeMismatch<'residual: f maps [number, 4] to [number, 3]; x + f(x) needs x.shape[1] = 4, got 3'>>();
    // @ts-expect-error 4 → 3 cannot be added to its input
    expect(() => residual(dense(4, 3))).not.toThrow(); // construction is fine at run time; apply refuses (see the unit tests)
  });
});

describe('map', () => {
  it('adds a leading batch axis to input and output, and keeps the params', () => {
    const perToken = map(dense(16, 8));
    expectTypeOf<InputOf<typeof perToken>>().toEqualTypeOf<Tensor<readonly [number, number, 16]>>();
    expectTypeOf<OutputOf<typeof perToken>>().toEqualTypeOf<Tensor<readonly [number, number, 8]>>();
    expectTypeOf<ParamsOf<typeof perToken>>().toEqualTypeOf<DenseP<16, 8>>();
    const perExample = map((x: Tensor<readonly [5]>) => x);
    expectTypeOf<InputOf<typeof perExample>>().toEqualTypeOf<Tensor<readonly [number, 5]>>();
    expectTypeOf<ParamsOf<typeof perExample>>().toEqualTypeOf<NoParams>();
    // @ts-expect-error rows of 5, not 6
    expectTypeOf(perExample.apply).toBeCallableWith({}, null as unknown as Tensor<readonly [number, 6]>);
  });
});
