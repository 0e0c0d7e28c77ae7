import { describe, expect, it } from 'vitest';
import { cpuBackend, key, normalValues, sum, tensor, toArray, valueAndGrad, type Backend, type Tensor } from '../../../src/core/index.js';
import { relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { dropout } from '../../../src/layers/dropout.js';
import { trainContext, type FusableLayer } from '../../../src/layers/layer.js';
import { sequential } from '../../../src/layers/sequential.js';
import { summary } from '../../../src/layers/summary.js';
import { reference, treeGradientError } from './finite-differences.js';

const cpu = cpuBackend();
const randomTensor = <const S extends readonly number[]>(backend: Backend, seed: number, shape: S): Tensor<S> =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));

describe('sequential().add: the same model as the record form', () => {
  const chained = () => sequential().add('lin_1', dense(784, 256)).add('act', relu).add('lin_2', dense(256, 10));
  const record = () => sequential({ lin_1: dense(784, 256), act: relu, lin_2: dense(256, 10) });

  it('has the same params (keys, names, values), description and outputs', async () => {
    const [a, b] = [chained(), record()];
    const [pa, pb] = [a.init(key(3), cpu), b.init(key(3), cpu)];
    expect(summary(a, pa)).toEqual(summary(b, pb));
    expect(a.describe).toBe('sequential(lin_1: dense(784 → 256), act: relu, lin_2: dense(256 → 10))');
    expect(await values(pa.lin_2.weight)).toEqual(await values(pb.lin_2.weight));
    const x = randomTensor(cpu, 1, [4, 784]);
    expect(await values(a.apply(pa, x))).toEqual(await values(b.apply(pb, x)));
  });

  it('trains through valueAndGrad: gradients match central differences (reference backend)', async () => {
    const model = sequential().add('lin_1', dense(3, 4)).add('act', relu).add('lin_2', dense(4, 2));
    const params = model.init(key(5), reference);
    const x = randomTensor(reference, 6, [5, 3]);
    expect(await treeGradientError((p: typeof params) => model.apply(p, x), params)).toBeLessThanOrEqual(0);
    const [, grads] = valueAndGrad((p: typeof params) => sum(model.apply(p, x)))(params);
    expect(grads.lin_1.weight.shape).toEqual([4, 3]);
  });
});

describe('sequential().add: a value, not a builder with state', () => {
  it('add returns a new model and leaves the old one working', async () => {
    const base = sequential().add('lin_1', dense(3, 4));
    const longer = base.add('act', relu).add('lin_2', dense(4, 2));
    expect(base.describe).toBe('sequential(lin_1: dense(3 → 4))');
    const params = base.init(key(0), cpu);
    expect(Object.keys(params)).toEqual(['lin_1']);
    expect(Object.keys(longer.init(key(0), cpu))).toEqual(['lin_1', 'lin_2']);
    expect(base.apply(params, randomTensor(cpu, 0, [2, 3])).shape).toEqual([2, 4]);
    // Siblings from one base do not see each other.
    const other = base.add('head', dense(4, 1));
    expect(Object.keys(other.init(key(0), cpu))).toEqual(['lin_1', 'head']);
  });

  it('fuses dense → relu as the record form does', () => {
    const calls: string[] = [];
    const probe: FusableLayer<Record<string, never>, Tensor, Tensor> = {
      describe: 'probe',
      init: () => ({}),
      apply: (_p, x) => (calls.push('apply'), x),
      applyWithActivation: (_p, x, activation) => (calls.push(`fused ${activation}`), relu(x)),
    };
    const x = tensor(cpu, [-1, 2], [1, 2]);
    sequential().add('a', probe).add('act', relu).apply({}, x);
    sequential().add('a', probe).add('act', (t: Tensor) => relu(t)).apply({}, x);
    expect(calls).toEqual(['fused relu', 'apply']);
  });

  it('splits context.key among entries as the record form does', async () => {
    const chained = sequential().add('lin_1', dense(6, 5)).add('drop', dropout(0.5)).add('lin_2', dense(5, 3));
    const record = sequential({ lin_1: dense(6, 5), drop: dropout(0.5), lin_2: dense(5, 3) });
    const params = chained.init(key(0), reference);
    const x = randomTensor(reference, 1, [4, 6]);
    expect(await values(chained.apply(params, x, trainContext(key(9))))).toEqual(await values(record.apply(params, x, trainContext(key(9)))));
  });

  it('refuses what the types refuse, at run time too (for untyped callers)', () => {
    const start = sequential().add('lin', dense(2, 2));
    const untyped = start.add as unknown as (name: string, entry: unknown) => unknown;
    expect(() => untyped('lin', relu)).toThrow("sequential: expected a new entry name, got 'lin' a second time");
    expect(() => untyped('x', 3)).toThrow("sequential: expected entry 'x' to be a layer ({ init, apply }) or a tensor function, got number");
    expect(() => untyped('0', relu)).toThrow('sequential: expected all entry names to be integers or none, got [lin, 0]');
    expect(() => (sequential as unknown as (x: unknown) => unknown)(null)).toThrow('sequential: expected a record of entries or nothing, got null');
  });

  it('nested chains give dotted paths in errors and names', () => {
    const block = sequential().add('lin_1', dense(4, 4)).add('act', relu);
    const model = sequential().add('block', block).add('head', dense(4, 2));
    const params = model.init(key(0), cpu);
    expect(summary(model, params).parameters.map((p) => p.name)).toEqual(['block.lin_1.weight', 'block.lin_1.bias', 'head.weight', 'head.bias']);
    const wrong = randomTensor(cpu, 0, [1, 3]) as unknown as Tensor<readonly [number, 4]>;
    expect(() => model.apply(params, wrong)).toThrow('dense(block.lin_1): expected x.shape[-1] = 4, got 3');
  });
});
