/**
 * Type-level tests: checked by `tsc` (npm run typecheck); under vitest they are no-ops that pass.
 * The parameter types of a model carry the literal sizes of its layers.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { cpuBackend, key, type Tensor } from '../../src/core/index.js';
import { gelu, relu, softmax } from '../../src/layers/activations.js';
import { dense, type DenseParams } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { kaimingNormal } from '../../src/layers/init.js';
import type { InputOf, OutputOf, ParamsOf } from '../../src/layers/layer.js';
import { sequential } from '../../src/layers/sequential.js';

const cpu = cpuBackend();

describe('layer types', () => {
  it('dense carries its sizes in params, input and output', () => {
    const layer = dense(784, 256);
    expectTypeOf<ParamsOf<typeof layer>>().toEqualTypeOf<{ readonly weight: Tensor<readonly [256, 784]>; readonly bias: Tensor<readonly [256]> }>();
    expectTypeOf<ParamsOf<typeof layer>>().toEqualTypeOf<DenseParams<784, 256>>();
    expectTypeOf<InputOf<typeof layer>>().toEqualTypeOf<Tensor<readonly [number, 784]>>();
    expectTypeOf<OutputOf<typeof layer>>().toEqualTypeOf<Tensor<readonly [number, 256]>>();
    expectTypeOf(layer.init(key(0), cpu).weight.shape).toEqualTypeOf<readonly [256, 784]>();
    expectTypeOf(dense(3, 2, { bias: false }).init).returns.toEqualTypeOf<{ readonly weight: Tensor<readonly [2, 3]> }>();
  });

  it('dense refuses an input of the wrong literal width', () => {
    const layer = dense(784, 256);
    const params = layer.init(key(0), cpu);
    const x28 = null as unknown as Tensor<readonly [number, 28]>;
    // @ts-expect-error x.shape[-1] is 28, the layer takes 784
    expectTypeOf(layer.apply).toBeCallableWith(params, x28);
    const wrongParams = dense(784, 10).init(key(0), cpu);
    // @ts-expect-error params of a 784 → 10 layer are not those of a 784 → 256 layer
    expectTypeOf(layer.apply).toBeCallableWith(wrongParams, null as unknown as Tensor<readonly [number, 784]>);
  });

  it("the lecture model's params read as its state_dict", () => {
    const model = sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });
    expectTypeOf<ParamsOf<typeof model>>().toEqualTypeOf<{
      readonly lin_1: { readonly weight: Tensor<readonly [256, 784]>; readonly bias: Tensor<readonly [256]> };
      readonly lin_2: { readonly weight: Tensor<readonly [10, 256]>; readonly bias: Tensor<readonly [10]> };
    }>();
  });

  it('parameter-free entries do not appear in the params type', () => {
    const model = sequential({ lin_1: dense(4, 3), drop: dropout(0.1), act: gelu, head: dense(3, 2, { bias: false }), out: softmax });
    expectTypeOf<ParamsOf<typeof model>>().toEqualTypeOf<{
      readonly lin_1: DenseParams<4, 3>;
      readonly head: { readonly weight: Tensor<readonly [2, 3]> };
    }>();
    // @ts-expect-error there is no 'drop' entry in the params
    expectTypeOf<ParamsOf<typeof model>['drop']>().toBeNever();
  });

  it('activations and initialisers keep the shape type', () => {
    expectTypeOf(relu<readonly [number, 10]>).returns.toEqualTypeOf<Tensor<readonly [number, 10]>>();
    expectTypeOf(softmax<readonly [number, 10]>).returns.toEqualTypeOf<Tensor<readonly [number, 10]>>();
    expectTypeOf(kaimingNormal(key(0), cpu, [256, 784])).toEqualTypeOf<Tensor<readonly [256, 784]>>();
  });
});
