import { describe, expect, it } from 'vitest';
import { add, customVjp, key, neg, normalValues, tensor, toArray, type Backend, type Tensor } from '../../../src/core/index.js';
import { relu } from '../../../src/layers/activations.js';
import { dense } from '../../../src/layers/dense.js';
import { residual } from '../../../src/layers/residual.js';
import { sequential } from '../../../src/layers/sequential.js';
import { summary } from '../../../src/layers/summary.js';
import { gradientError, reference, treeGradientError } from './finite-differences.js';

const randomTensor = <const S extends readonly number[]>(backend: Backend, seed: number, shape: S): Tensor<S> =>
  tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);
const values = async (t: Tensor): Promise<number[]> => Array.from(await toArray(t));
const inner = () => sequential().add('lin_1', dense(4, 4)).add('act', relu).add('lin_2', dense(4, 4));

describe('residual: x + f(x)', () => {
  it('adds f(x) to x; its params are f’s own', async () => {
    const f = inner();
    const block = residual(f);
    const params = block.init(key(1), reference);
    expect(Object.keys(params)).toEqual(['lin_1', 'lin_2']);
    expect(await values(params.lin_1.weight)).toEqual(await values(f.init(key(1), reference).lin_1.weight));
    const x = randomTensor(reference, 2, [3, 4]);
    expect(await values(block.apply(params, x))).toEqual(await values(add(x, f.apply(params, x))));
    expect(block.describe).toBe('residual(sequential(lin_1: dense(4 → 4), act: relu, lin_2: dense(4 → 4)))');
  });

  it('keeps PyTorch-style dotted names inside a container: block.lin_1.weight', () => {
    const model = sequential().add('stem', dense(8, 4)).add('block', residual(inner())).add('head', dense(4, 2));
    const names = summary(model, model.init(key(0), reference)).parameters.map((p) => p.name);
    expect(names).toEqual(['stem.weight', 'stem.bias', 'block.lin_1.weight', 'block.lin_1.bias', 'block.lin_2.weight', 'block.lin_2.bias', 'head.weight', 'head.bias']);
  });

  it('gradients w.r.t. x and params match central differences (reference backend)', async () => {
    const block = residual(inner());
    const params = block.init(key(3), reference);
    const xValues = normalValues(key(4), 12);
    expect(await gradientError((x) => block.apply(params, x as Tensor<readonly [number, 4]>), Array.from(xValues), [3, 4])).toBeLessThanOrEqual(0);
    const x = tensor(reference, xValues, [3, 4]);
    expect(await treeGradientError((p: typeof params) => block.apply(p, x), params)).toBeLessThanOrEqual(0);
  });

  it('the gradient check would catch a residual that drops the skip gradient', async () => {
    // x + f(x) with a hand-written VJP that forgets the identity path: the checker must object.
    const wrongSkip = customVjp((x: Tensor) => add(x, relu(x)), { fwd: (x) => [add(x, relu(x)), x], bwd: (_x, ct) => [neg(ct)] });
    expect(await gradientError(wrongSkip, [0.5, -0.3, 1.2], [3])).toBeGreaterThan(0.1);
    expect(await gradientError((x) => residual(relu).apply({}, x), [0.5, -0.3, 1.2], [3])).toBeLessThanOrEqual(0);
  });

  it('a shape-generic f (relu) works on any shape', async () => {
    const x = tensor(reference, [-1, 2, -3, 4], [2, 1, 2]);
    expect(await values(residual(relu).apply({}, x))).toEqual([-1, 4, -3, 8]);
  });

  it('refuses an f(x) of another shape, naming the block, the shapes and f', () => {
    // A 4 → 3 layer typed as 4 → 4, as an untyped caller might build it: the run-time check remains.
    const shrink = residual(dense(4, 3) as unknown as ReturnType<typeof dense<4, 4>>);
    const params = dense(4, 3).init(key(0), reference) as never;
    const x = randomTensor(reference, 0, [2, 4]);
    expect(() => shrink.apply(params, x)).toThrow('residual: expected f(x) to have the shape of x, [2, 4], got [2, 3] (f is dense(4 → 3))');
    const model = sequential({ block: shrink });
    expect(() => model.apply({ block: params }, x)).toThrow('residual(block): expected f(x) to have the shape of x, [2, 4], got [2, 3]');
    // No broadcasting: [2, 1] would broadcast against [2, 4], and is still refused.
    const narrow = residual((t: Tensor) => tensor(reference, [1, 2], [t.shape[0], 1]), { name: 'skip' });
    expect(() => narrow.apply({}, x)).toThrow('residual(skip): expected f(x) to have the shape of x, [2, 4], got [2, 1]');
  });
});
