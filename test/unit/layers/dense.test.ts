import { describe, expect, it } from 'vitest';
import { add, cpuBackend, key, matmul, normalValues, reshape, ShapeError, sum, tensor, toArray, valueAndGrad, type Backend, type Tensor } from '../../../src/core/index.js';
import { relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { constant, xavierUniform } from '../../../src/layers/init.js';
import { gradientError, reference } from './finite-differences.js';

const cpu = cpuBackend();
const randomTensor = <const S extends readonly number[]>(backend: Backend, seed: number, shape: S): Tensor<S> =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const maxAbsDifference = async (a: Tensor, b: Tensor): Promise<number> => {
  const [x, y] = [Float64Array.from(await toArray(a)), Float64Array.from(await toArray(b))];
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
};
const std = async (t: Tensor): Promise<number> => {
  const v = Float64Array.from(await toArray(t));
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
};

describe('dense: parameters', () => {
  it('has nn.Linear layout: weight [out, in], bias [out], on the requested backend', () => {
    const layer = dense(784, 256);
    const params = layer.init(key(0), cpu);
    expect(params.weight.shape).toEqual([256, 784]);
    expect(params.bias.shape).toEqual([256]);
    expect(params.weight.dtype).toBe('float32');
    expect(layer.init(key(0), reference).weight.dtype).toBe('float64');
    expect(layer.describe).toBe('dense(784 → 256)');
  });

  it('defaults to PyTorch nn.Linear init: weight and bias in U(-1/sqrt(in), 1/sqrt(in))', async () => {
    const { weight, bias } = dense(784, 256).init(key(1), reference);
    const bound = 1 / Math.sqrt(784);
    for (const t of [weight, bias]) {
      const v = await toArray(t);
      expect(v.every((x) => Math.abs(x) <= bound)).toBe(true);
    }
    expect(Math.abs((await std(weight)) - bound / Math.sqrt(3))).toBeLessThan(0.005 * bound);
    expect(Math.max(...(await toArray(bias)).map(Math.abs))).toBeGreaterThan(0.9 * bound); // the bias is not zero
  });

  it("init: 'kaimingNormal' is the lecture's He init with zero bias", async () => {
    const { weight, bias } = dense(784, 256, { init: 'kaimingNormal' }).init(key(1), reference);
    expect(Math.abs((await std(weight)) - Math.sqrt(2 / 784))).toBeLessThan(4e-4); // 0.0505
    expect(Array.from(await toArray(bias)).every((b) => b === 0)).toBe(true);
  });

  it('takes custom initialisers, called with the weight fans', async () => {
    const seen: unknown[] = [];
    const layer = dense(3, 2, {
      init: {
        weight: (k, backend, shape, fans) => (seen.push(['weight', shape, fans]), xavierUniform(k, backend, shape, fans)),
        bias: (k, backend, shape, fans) => (seen.push(['bias', shape, fans]), constant(0.1)(k, backend, shape)),
      },
    });
    const { bias } = layer.init(key(0), reference);
    expect(Array.from(await toArray(bias))).toEqual([0.1, 0.1]);
    expect(seen).toEqual([
      ['weight', [2, 3], { fanIn: 3, fanOut: 2 }],
      ['bias', [2], { fanIn: 3, fanOut: 2 }],
    ]);
  });

  it('bias: false leaves the bias out', async () => {
    const layer = dense(3, 2, { bias: false });
    const params = layer.init(key(0), reference);
    expect(Object.keys(params)).toEqual(['weight']);
    const x = randomTensor(reference, 1, [4, 3]);
    expect(await maxAbsDifference(layer.apply(params, x), matmul(x, params.weight, { transB: true }))).toBe(0);
  });

  it('init is a function of the key', async () => {
    const layer = dense(5, 4);
    const [a, b, c] = [layer.init(key(3), cpu), layer.init(key(3), cpu), layer.init(key(4), cpu)];
    expect(await toArray(a.weight)).toEqual(await toArray(b.weight));
    expect(await toArray(a.bias)).toEqual(await toArray(b.bias));
    expect(await toArray(a.weight)).not.toEqual(await toArray(c.weight));
    expect(await toArray(a.weight)).not.toEqual((await toArray(a.bias)).slice(0, 1)); // weight and bias use different keys
  });

  it('rejects bad sizes and options', () => {
    expect(() => dense(0, 3)).toThrow('dense: expected inFeatures to be a positive integer, got 0');
    expect(() => dense(3, 2.5)).toThrow('dense: expected outFeatures to be a positive integer, got 2.5');
    expect(() => dense(3, 2, { init: 'he' as 'kaimingNormal' })).toThrow("dense: expected init 'torchDefault', 'kaimingNormal' or { weight, bias? } initialisers, got he");
    expect(() => dense(3, 2, { activation: 'gelu' as 'relu' })).toThrow("dense: expected activation 'none' or 'relu', got gelu");
  });
});

describe('dense: forward', () => {
  for (const backend of [reference, cpu]) {
    it(`equals matmul(x, Wᵀ) + b on ${backend.name}`, async () => {
      const layer = dense(7, 5);
      const params = layer.init(key(2), backend);
      const x = randomTensor(backend, 9, [6, 7]);
      const manual = add(matmul(x, params.weight, { transB: true }), params.bias);
      const tolerance = backend.dtype === 'float64' ? 1e-14 : 1e-6;
      expect(await maxAbsDifference(layer.apply(params, x), manual)).toBeLessThan(tolerance);
      const fused = dense(7, 5, { activation: 'relu' });
      expect(await maxAbsDifference(fused.apply(params, x), relu(manual))).toBeLessThan(tolerance);
      expect(await maxAbsDifference(layer.applyWithActivation(params, x, 'relu'), relu(manual))).toBeLessThan(tolerance);
    });
  }

  it('a hand-computed case', async () => {
    const layer = dense(3, 2);
    const params = { weight: tensor(reference, [1, 0, -1, 0.5, 0.5, 0.5], [2, 3]), bias: tensor(reference, [0.1, -0.2], [2]) };
    const x = tensor(reference, [1, 2, 3, 4, 5, 6], [2, 3]);
    // row 1: [1 - 3 + 0.1, 3 - 0.2]; row 2: [4 - 6 + 0.1, 7.5 - 0.2]
    expect(Array.from(await toArray(layer.apply(params, x)))).toEqual([-1.9, 2.8, -1.9, 7.3]);
  });

  it('flattens [..., in] to 2-D and restores the leading axes; [in] gives [out]', async () => {
    const layer = dense(4, 3);
    const params = layer.init(key(5), reference);
    const x = randomTensor(reference, 6, [2, 5, 4]);
    const y = layer.apply(params, x as unknown as Tensor<readonly [number, 4]>);
    expect(y.shape).toEqual([2, 5, 3]);
    expect(await maxAbsDifference(y, reshape(layer.apply(params, reshape(x, [10, 4])), [2, 5, 3]))).toBe(0);
    const firstRow = (await toArray(x)).slice(0, 4);
    const v = layer.apply(params, tensor(reference, firstRow, [4]) as unknown as Tensor<readonly [number, 4]>);
    expect(v.shape).toEqual([3]);
    expect(Array.from(await toArray(v))).toEqual(Array.from(await toArray(y)).slice(0, 3));
  });
});

describe('dense: errors name the layer', () => {
  const params = dense(784, 256).init(key(0), cpu);
  const x = tensor(cpu, new Float32Array(2 * 28), [2, 28]) as unknown as Tensor<readonly [number, 784]>;
  it('wrong input width', () => {
    expect(() => dense(784, 256, { name: 'lin_1' }).apply(params, x)).toThrow(new ShapeError('dense(lin_1)', 'expected x.shape[-1] = 784, got 28 (weight is [256, 784])'));
    expect(() => dense(784, 256).apply(params, x)).toThrow('dense(784 → 256): expected x.shape[-1] = 784, got 28 (weight is [256, 784])');
    expect(() => dense(784, 256).apply(params, x, { train: false, path: 'encoder.lin_1' })).toThrow('dense(encoder.lin_1): expected x.shape[-1]');
    expect(() => dense(784, 256).apply(params, tensor(cpu, [1], []) as unknown as typeof x)).toThrow('dense(784 → 256): expected x of shape [..., 784], got a scalar');
  });
  it('params of another layer', () => {
    const other = dense(784, 10).init(key(0), cpu);
    expect(() => dense(784, 256, { name: 'lin_1' }).apply(other as unknown as typeof params, x)).toThrow(
      'dense(lin_1): expected params { weight [256, 784], bias [256] }, got weight [10, 784]',
    );
    expect(() => dense(784, 256).apply({ weight: params.weight } as typeof params, x)).toThrow('expected params { weight [256, 784], bias [256] }, got bias missing');
  });
});

describe('dense: gradients', () => {
  it('match a manual matmul + add through valueAndGrad (cpu)', async () => {
    const layer = dense(6, 4);
    const params = layer.init(key(1), cpu);
    const x = randomTensor(cpu, 2, [5, 6]);
    const [lossA, gradA] = valueAndGrad((p: typeof params) => sum(relu(layer.apply(p, x))))(params);
    const [lossB, gradB] = valueAndGrad((p: typeof params) => sum(relu(add(matmul(x, p.weight, { transB: true }), p.bias))))(params);
    expect(await maxAbsDifference(lossA, lossB)).toBeLessThan(1e-5);
    expect(await maxAbsDifference(gradA.weight, gradB.weight)).toBeLessThan(1e-5);
    expect(await maxAbsDifference(gradA.bias, gradB.bias)).toBeLessThan(1e-5);
  });

  it('w.r.t. x, weight and bias by central differences (float64)', async () => {
    const layer = dense(3, 2);
    const { weight, bias } = layer.init(key(4), reference);
    const xValues = Array.from(normalValues(key(8), 9));
    const wValues = Array.from(await toArray(weight));
    const bValues = Array.from(await toArray(bias));
    expect(await gradientError((t) => layer.apply({ weight, bias }, reshape(t, [-1, 3]) as Tensor<readonly [number, 3]>), xValues.slice(0, 6), [2, 3])).toBeLessThanOrEqual(0);
    const x = tensor(reference, xValues.slice(0, 9), [3, 3]);
    expect(await gradientError((w) => layer.apply({ weight: w as typeof weight, bias }, x), wValues, [2, 3])).toBeLessThanOrEqual(0);
    expect(await gradientError((b) => layer.apply({ weight, bias: b as typeof bias }, x), bValues, [2])).toBeLessThanOrEqual(0);
  });
});
