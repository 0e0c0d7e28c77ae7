/** Type-level checks of the train API (compile-time; the runtime bodies are trivial). */
import { describe, expectTypeOf, it } from 'vitest';
import { key, linear, mean, mul, referenceBackend, sub, tensor, type Tensor } from '../../../src/core/index.js';
import {
  adam,
  chain,
  dataset,
  fit,
  identity,
  scaleByAdam,
  scaleByLearningRate,
  trainStep,
  type AdamState,
  type CountState,
  type EmptyState,
  type FitResult,
  type GradientTransformation,
  type HostBatch,
} from '../../../src/train/index.js';

const backend = referenceBackend();
const params = { w: tensor(backend, [1, 2, 3, 4], [2, 2]) };
type Params = typeof params;

describe('train types', () => {
  it('chain’s state is the tuple of its children’s states', () => {
    const t = chain(identity(), scaleByAdam(), scaleByLearningRate(0.1));
    expectTypeOf(t).toEqualTypeOf<GradientTransformation<readonly [EmptyState, AdamState, CountState]>>();
    // Any transformation is usable where "some optimizer" is expected.
    expectTypeOf(adam()).toExtend<GradientTransformation<unknown>>();
    const state = t.init(params);
    // @ts-expect-error: the state of another transformation does not fit
    const wrongState = () => t.update(params, scaleByAdam().init(params));
    void wrongState;
    expectTypeOf(t.update(params, state, params)[0]).toEqualTypeOf<Params>();
  });

  it('fit and trainStep infer params, batch and aux types from their arguments', () => {
    const train = dataset({ features: new Float32Array(4), featureShape: [2], labels: new Float32Array(4), labelShape: [2] });
    const toBatch = (h: HostBatch<Float32Array>) => ({ x: tensor(backend, h.x, h.xShape), y: tensor(backend, h.y, h.yShape) });
    const squaredError = (p: Params, b: { x: Tensor; y: Tensor }) => {
      const out = linear(b.x, p.w);
      return [mean(mul(sub(out, b.y), sub(out, b.y))), out] as const;
    };
    const run = () =>
      fit({
        params,
        optimizer: adam(),
        loss: squaredError,
        hasAux: true,
        train,
        batchSize: 2,
        epochs: 1,
        key: key(0),
        backend,
        toBatch,
        onStep: ({ aux, state }) => {
          expectTypeOf(aux).toEqualTypeOf<Tensor>();
          expectTypeOf(state.params).toEqualTypeOf<Params>();
        },
      });
    expectTypeOf(run).returns.toEqualTypeOf<Promise<FitResult<Params, readonly [EmptyState, AdamState, CountState]>>>();
    const step = trainStep({ loss: (p: Params, b: { x: Tensor }) => mean(linear(b.x, p.w)), optimizer: adam() });
    expectTypeOf(step).returns.toHaveProperty('aux').toEqualTypeOf<undefined>();
    // @ts-expect-error: a plain loss cannot claim aux
    void trainStep({ loss: (p: Params, b: { x: Tensor }) => mean(linear(b.x, p.w)), optimizer: adam(), hasAux: true });
  });
});
