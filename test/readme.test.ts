// The README's example, verbatim but for the data, so the snippet users copy stays true.
import { describe, expect, it } from 'vitest';
import { adam, applyUpdates, cpuBackend, crossEntropy, dense, item, key, relu, sequential, split, tensor, valueAndGrad, uniformValues, type Tensor } from '../src/index.js';

describe('README example', () => {
  it('runs one Adam step of the lecture model and lowers the loss on its batch', async () => {
    const pixels = Float32Array.from(uniformValues(key(7), 256 * 784));
    const labels = Int32Array.from({ length: 256 }, (_, i) => i % 10);

    const backend = cpuBackend();
    const model = sequential({
      lin_1: dense(784, 256, { init: 'kaimingNormal' }),
      act: relu,
      lin_2: dense(256, 10, { init: 'kaimingNormal' }),
    });
    const [initKey] = split(key(0), 2);
    let params = model.init(initKey, backend);
    type Params = typeof params;

    const optimizer = adam({ lr: 1e-3 });
    let optState = optimizer.init(params);

    const lossOf = (p: Params, x: Tensor, labels: Int32Array) => crossEntropy(model.apply(p, x), labels);
    const images = tensor(backend, pixels, [256, 784]);
    const [loss, grads] = valueAndGrad(lossOf)(params, images, labels);
    const [updates, nextState] = optimizer.update(grads, optState, params);
    const before = params;
    params = applyUpdates(params, updates);
    optState = nextState;

    const first = await item(loss);
    expect(Number.isFinite(first)).toBe(true);
    expect(params.lin_1.weight.shape).toEqual([256, 784]);
    expect(before.lin_1.weight.buffer).not.toBe(params.lin_1.weight.buffer);
    expect(await item(lossOf(params, images, labels))).toBeLessThan(first);
    expect(optState).toBeDefined();
  });
});
