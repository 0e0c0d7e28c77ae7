import { describe, expect, it } from 'vitest';
import { cpuBackend, key, mean, normalValues, softmaxCrossEntropy, split, sum, tensor, toArray, valueAndGrad, type Backend, type Tensor } from '../../../src/core/index.js';
import { leakyRelu, relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { dropout } from '../../../src/layers/dropout.js';
import { isFusable, trainContext, type ApplyContext, type FusableLayer, type FusedActivation } from '../../../src/layers/layer.js';
import { sequential } from '../../../src/layers/sequential.js';
import { formatSummary, summary } from '../../../src/layers/summary.js';
import { reference } from './finite-differences.js';

const cpu = cpuBackend();
const lecture = () => sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });
const randomTensor = (backend: Backend, seed: number, shape: readonly number[]): Tensor =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const maxAbsDifference = async (a: Tensor, b: Tensor): Promise<number> => {
  const [x, y] = [Float64Array.from(await toArray(a)), Float64Array.from(await toArray(b))];
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
};

describe('sequential: the lecture MLP 784 → 256 → 10', () => {
  it('has the state_dict names and shapes of the PyTorch model', () => {
    const params = lecture().init(key(0), cpu);
    expect(Object.keys(params)).toEqual(['lin_1', 'lin_2']);
    expect(Object.keys(params.lin_1)).toEqual(['weight', 'bias']);
    expect(params.lin_1.weight.shape).toEqual([256, 784]);
    expect(params.lin_1.bias.shape).toEqual([256]);
    expect(params.lin_2.weight.shape).toEqual([10, 256]);
    expect(params.lin_2.bias.shape).toEqual([10]);
  });

  it('summary: 203,530 parameters under dotted names in declaration order', () => {
    const model = lecture();
    const s = summary(model, model.init(key(0), cpu));
    expect(s.total).toBe(203_530);
    expect(s.parameters).toEqual([
      { name: 'lin_1.weight', shape: [256, 784], count: 200_704 },
      { name: 'lin_1.bias', shape: [256], count: 256 },
      { name: 'lin_2.weight', shape: [10, 256], count: 2_560 },
      { name: 'lin_2.bias', shape: [10], count: 10 },
    ]);
    expect(s.layer).toBe('sequential(lin_1: dense(784 → 256), act: relu, lin_2: dense(256 → 10))');
    const table = formatSummary(s).split('\n');
    expect(table[0]).toBe(s.layer);
    expect(table).toContain('lin_1.weight  [256, 784]  200,704');
    expect(table[table.length - 1]).toMatch(/^total\s+203,530$/);
  });

  it('maps [N, 784] to [N, 10] and trains through valueAndGrad', async () => {
    const model = lecture();
    const params = model.init(key(0), cpu);
    const x = randomTensor(cpu, 1, [8, 784]);
    const labels = new Int32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const loss = (p: typeof params) => mean(softmaxCrossEntropy(model.apply(p, x), { labels, classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 }));
    const [value, grads] = valueAndGrad(loss)(params);
    expect(model.apply(params, x).shape).toEqual([8, 10]);
    expect(Number.isFinite((await toArray(value))[0])).toBe(true);
    expect(grads.lin_1.weight.shape).toEqual([256, 784]);
    expect(grads.lin_2.bias.shape).toEqual([10]);
    expect(Array.from(await toArray(grads.lin_2.bias)).some((g) => g !== 0)).toBe(true);
  });

  it('names the failing layer when the shapes do not fit', () => {
    const model = lecture();
    const params = model.init(key(0), cpu);
    expect(() => model.apply(params, randomTensor(cpu, 1, [2, 28]))).toThrow('dense(lin_1): expected x.shape[-1] = 784, got 28 (weight is [256, 784])');
    const mismatched = sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(128, 10) });
    expect(() => mismatched.apply(mismatched.init(key(0), cpu), randomTensor(cpu, 1, [2, 784]))).toThrow(
      'dense(lin_2): expected x.shape[-1] = 128, got 256 (weight is [10, 128])',
    );
    const { lin_1: _dropped, ...partial } = params;
    expect(() => model.apply(partial as typeof params, randomTensor(cpu, 1, [2, 784]))).toThrow('dense(lin_1): expected params { weight [256, 784], bias [256] }, got weight missing');
    expect(() => model.apply({ ...params, lin_3: params.lin_2 } as typeof params, randomTensor(cpu, 1, [2, 784]))).toThrow(
      'sequential: params have entries [lin_3] that are not layers of this model (layers: lin_1, lin_2)',
    );
  });
});

describe('sequential: init keys', () => {
  it('is deterministic per key and differs across keys', async () => {
    const model = lecture();
    const [a, b, c] = [model.init(key(7), cpu), model.init(key(7), cpu), model.init(key(8), cpu)];
    expect(await toArray(a.lin_2.weight)).toEqual(await toArray(b.lin_2.weight));
    expect(await toArray(a.lin_1.bias)).toEqual(await toArray(b.lin_1.bias));
    expect(await toArray(a.lin_2.weight)).not.toEqual(await toArray(c.lin_2.weight));
  });

  it('gives entry i the key split(key, n)[i], so each layer is reproducible on its own', async () => {
    const model = sequential({ a: dense(3, 4), act: relu, b: dense(4, 2) });
    const params = model.init(key(9), reference);
    const keys = split(key(9), 3);
    expect(await toArray(params.a.weight)).toEqual(await toArray(dense(3, 4).init(keys[0], reference).weight));
    expect(await toArray(params.b.weight)).toEqual(await toArray(dense(4, 2).init(keys[2], reference).weight));
    expect(await toArray(params.a.weight)).not.toEqual(await toArray(dense(3, 4).init(keys[2], reference).weight));
  });
});

describe('sequential: parameter-free entries and randomness', () => {
  const model = sequential({ lin_1: dense(6, 5), act: (x: Tensor) => leakyRelu(x, 0.2), drop: dropout(0.5), lin_2: dense(5, 3) });

  it('leaves functions and parameter-free layers out of the params tree', () => {
    expect(Object.keys(model.init(key(0), cpu))).toEqual(['lin_1', 'lin_2']);
    expect(model.describe).toBe('sequential(lin_1: dense(6 → 5), act: act, drop: dropout(p=0.5), lin_2: dense(5 → 3))');
  });

  it('splits context.key among its children; eval mode ignores dropout', async () => {
    const params = model.init(key(0), reference);
    const x = randomTensor(reference, 3, [4, 6]);
    const [a, b, c] = [1, 1, 2].map((seed) => model.apply(params, x, trainContext(key(seed))));
    expect(await toArray(a)).toEqual(await toArray(b));
    expect(await toArray(a)).not.toEqual(await toArray(c));
    // The dropout entry (index 2) draws from split(key, 4)[2].
    const h = leakyRelu(dense(6, 5).apply(params.lin_1, x as Tensor<readonly [number, 6]>), 0.2);
    const dropped = dropout(0.5).apply({}, h, trainContext(split(key(1), 4)[2]));
    expect(await maxAbsDifference(a, dense(5, 3).apply(params.lin_2, dropped as Tensor<readonly [number, 5]>))).toBe(0);
    const evaluated = dense(5, 3).apply(params.lin_2, h as Tensor<readonly [number, 5]>);
    expect(await maxAbsDifference(model.apply(params, x), evaluated)).toBe(0);
  });

  it('training without a key names the dropout entry', () => {
    const params = model.init(key(0), cpu);
    expect(() => model.apply(params, randomTensor(cpu, 3, [4, 6]), { train: true })).toThrow('dropout(drop): expected context.key in training mode');
  });
});

describe('sequential: dense → relu fusion', () => {
  it('calls applyWithActivation when a fusable layer is followed by the exported relu, and only then', () => {
    const calls: string[] = [];
    const probe: FusableLayer<Record<string, never>, Tensor, Tensor> = {
      describe: 'probe',
      init: () => ({}),
      apply: (_p, x) => (calls.push('apply'), x),
      applyWithActivation: (_p, x, activation: FusedActivation) => (calls.push(`fused ${activation}`), relu(x)),
    };
    const x = tensor(cpu, [-1, 2], [2]);
    sequential({ a: probe, act: relu }).apply({}, x);
    sequential({ a: probe, act: (t: Tensor) => relu(t) }).apply({}, x);
    sequential({ act: relu, a: probe }).apply({}, x);
    expect(calls).toEqual(['fused relu', 'apply', 'apply']);
    expect(isFusable(dense(2, 2))).toBe(true); // so the lecture model's lin_1 → act runs as one linear kernel
  });

  for (const backend of [reference, cpu]) {
    it(`fused and unfused agree in values and gradients (${backend.name})`, async () => {
      const fused = sequential({ lin_1: dense(7, 6), act: relu, lin_2: dense(6, 3) });
      const unfused = sequential({ lin_1: dense(7, 6), act: (t: Tensor) => relu(t), lin_2: dense(6, 3) });
      const params = fused.init(key(4), backend);
      const x = randomTensor(backend, 5, [9, 7]);
      const tolerance = backend.dtype === 'float64' ? 1e-13 : 1e-5;
      expect(await maxAbsDifference(fused.apply(params, x), unfused.apply(params, x))).toBeLessThan(tolerance);
      const [, gradFused] = valueAndGrad((p: typeof params) => sum(fused.apply(p, x)))(params);
      const [, gradUnfused] = valueAndGrad((p: typeof params) => sum(unfused.apply(p, x)))(params);
      for (const name of ['lin_1', 'lin_2'] as const) {
        expect(await maxAbsDifference(gradFused[name].weight, gradUnfused[name].weight)).toBeLessThan(tolerance);
        expect(await maxAbsDifference(gradFused[name].bias, gradUnfused[name].bias)).toBeLessThan(tolerance);
      }
    });
  }
});

describe('sequential: nesting and validation', () => {
  it('nests: params nest under the entry names and errors give the dotted path', () => {
    const block = sequential({ lin_1: dense(4, 4), act: relu });
    const model = sequential({ block, head: dense(4, 2) });
    const params = model.init(key(0), cpu);
    expect(summary(model, params).parameters.map((p) => p.name)).toEqual(['block.lin_1.weight', 'block.lin_1.bias', 'head.weight', 'head.bias']);
    expect(() => model.apply(params, randomTensor(cpu, 0, [1, 3]))).toThrow('dense(block.lin_1): expected x.shape[-1] = 4, got 3');
  });

  it('refuses empty models, dotted names, mixed integer names and non-layers', () => {
    expect(() => sequential({})).toThrow('sequential: expected at least one entry, got {}');
    expect(() => sequential({ 'a.b': relu })).toThrow("sequential: expected entry names without '.', got 'a.b'");
    expect(() => sequential({ lin: dense(2, 2), 0: relu })).toThrow('sequential: expected all entry names to be integers or none, got [0, lin]');
    expect(() => sequential({ x: 3 as unknown as typeof relu })).toThrow("sequential: expected entry 'x' to be a layer ({ init, apply }) or a tensor function, got number");
    const numbered = sequential({ 0: dense(2, 3), 1: relu, 2: dense(3, 1) });
    expect(Object.keys(numbered.init(key(0), cpu))).toEqual(['0', '2']); // PyTorch nn.Sequential's names
  });

  it('passes the apply context through to children with their path', () => {
    const seen: ApplyContext[] = [];
    const spy = { describe: 'spy', init: () => ({}), apply: (_p: Record<string, never>, x: Tensor, context?: ApplyContext) => (seen.push(context!), x) };
    sequential({ outer: sequential({ inner: spy }) }).apply({}, tensor(cpu, [1], [1]), { train: true, key: key(3), path: 'model' });
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('model.outer.inner');
    expect(seen[0].train).toBe(true);
    expect(seen[0].key).toEqual(split(split(key(3), 1)[0], 1)[0]);
  });
});
