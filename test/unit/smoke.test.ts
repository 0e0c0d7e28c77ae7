import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/core/backend/cpu.js';
import { referenceBackend } from '../../src/core/backend/reference.js';
import { tensor, toArray, scalar, type Tensor } from '../../src/core/tensor.js';
import { vjp } from '../../src/core/autodiff/vjp.js';
import { valueAndGrad } from '../../src/core/autodiff/grad.js';
import { mul } from '../../src/core/primitives/mul.js';
import { add } from '../../src/core/primitives/add.js';
import { sum } from '../../src/core/primitives/sum.js';
import { matmul } from '../../src/core/primitives/matmul.js';
import { linear } from '../../src/core/primitives/linear.js';
import { softmaxCrossEntropy } from '../../src/core/primitives/softmax-cross-entropy.js';
import { logSumExp, mean } from '../../src/core/ops.js';

describe('smoke', () => {
  it('vjp of sum(w * x + b)', async () => {
    const be = referenceBackend();
    const w = tensor(be, [1, 2, 3], [3]);
    const x = tensor(be, [4, 5, 6], [3]);
    const b = tensor(be, [1], [1]);
    const [y, pb] = vjp((w_: Tensor, b_: Tensor) => sum(add(mul(w_, x), b_)))(w, b);
    expect(Array.from(await toArray(y))).toEqual([35]);
    const [dw, db] = pb(scalar(be, 1));
    expect(Array.from(await toArray(dw))).toEqual([4, 5, 6]);
    expect(Array.from(await toArray(db))).toEqual([3]);
  });
  it('linear and CE on cpu', async () => {
    const be = cpuBackend();
    const x = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tensor(be, [1, 0, -1, 0.5, 0.5, 0.5], [2, 3]);
    const bias = tensor(be, [0.1, -0.2], [2]);
    const ref = await toArray(add(matmul(x, w, { transB: true }), bias));
    expect(Array.from(await toArray(linear(x, w, bias)))).toEqual(Array.from(ref));
    const labels = new Int32Array([0, 1]);
    const [loss, g] = valueAndGrad((p: { w: typeof w; b: typeof bias }) =>
      mean(softmaxCrossEntropy(linear(x, p.w, p.b, { activation: 'relu' }), { labels, classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 })),
    )({ w, b: bias });
    expect((await toArray(loss))[0]).toBeGreaterThan(0);
    expect(g.w.shape).toEqual([2, 3]);
    expect(Array.from(await toArray(logSumExp(tensor(be, [1e4, 1e4], [2]))))[0]).toBeCloseTo(1e4 + Math.log(2), 0);
  });
});
