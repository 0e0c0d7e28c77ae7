import { describe, expect, it } from 'vitest';
import { BackendError, ShapeError, cpuBackend, tensor, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { mse, reduceLoss } from '../../../src/losses/index.js';
import { cpu, reference, scalarValue, values } from './support.js';

const prediction = (backend = reference): Tensor => tensor(backend, [1, 2, 3, 4], [2, 2]);
const target = (backend = reference): Tensor => tensor(backend, [0, 2, 5, 1], [2, 2]);

describe('mse', () => {
  it('averages over ALL elements, no 1/2 (PyTorch MSELoss)', async () => {
    // squared differences 1, 0, 4, 9
    expect(await scalarValue(mse(prediction(), target()))).toBe(3.5);
    expect(await scalarValue(mse(prediction(cpu), target(cpu)))).toBe(3.5);
    expect(await scalarValue(mse(prediction(), target(), { reduction: 'sum' }))).toBe(14);
    const none = mse(prediction(), target(), { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    expect(await values(none)).toEqual([1, 0, 4, 9]);
  });

  it('gradient is 2 (prediction - target) / n for both arguments', async () => {
    const [loss, grads] = valueAndGrad((p: { prediction: Tensor; target: Tensor }) => mse(p.prediction, p.target))({ prediction: prediction(), target: target() });
    expect(await scalarValue(loss)).toBe(3.5);
    expect(await values(grads.prediction)).toEqual([0.5, 0, -1, 1.5]);
    expect((await values(grads.target)).map((v) => v + 0)).toEqual([-0.5, 0, 1, -1.5]);
  });

  it('a batch of one and a scalar', async () => {
    expect(await scalarValue(mse(tensor(reference, [3], [1, 1]), tensor(reference, [1], [1, 1])))).toBe(4);
    expect(await scalarValue(mse(tensor(reference, [3], []), tensor(reference, [1], [])))).toBe(4);
  });

  it('an empty batch: mean NaN (as PyTorch), sum 0', async () => {
    const empty = tensor(reference, [], [0, 3]);
    expect(Number.isNaN(await scalarValue(mse(empty, empty)))).toBe(true);
    expect(await scalarValue(mse(empty, empty, { reduction: 'sum' }))).toBe(0);
  });

  it('refuses to broadcast: ShapeError naming mse and both shapes', () => {
    const p = tensor(reference, [1, 2], [2, 1]);
    const t = tensor(reference, [1, 2], [2]);
    expect(() => mse(p, t)).toThrow(ShapeError);
    expect(() => mse(p, t)).toThrow(/^mse: expected prediction and target of the same shape, got prediction \[2, 1\] and target \[2\]/);
  });

  it('refuses an unknown reduction and tensors from two backends', () => {
    expect(() => mse(prediction(), target(), { reduction: 'avg' as never })).toThrow(/^mse: expected reduction 'none', 'mean' or 'sum', got "avg"/);
    expect(() => mse(prediction(cpu), target(cpuBackend()))).toThrow(BackendError);
    expect(() => mse(prediction(cpu), target(cpuBackend()))).toThrow(/^mse: all inputs must live on one backend/);
  });
});

describe('reduceLoss', () => {
  it('folds any per-element loss like the built-in losses do', async () => {
    const x = tensor(reference, [1, 2, 3, 6], [2, 2]);
    expect(await scalarValue(reduceLoss(x))).toBe(3);
    expect(await scalarValue(reduceLoss(x, 'sum'))).toBe(12);
    expect(reduceLoss(x, 'none')).toBe(x);
    expect(() => reduceLoss(x, 'max' as never)).toThrow(/^reduceLoss: expected reduction/);
  });
});
