/**
 * Every loss, every option combination: the VJP (composed from the primitives' rules) against
 * float64 central differences on the reference backend, for every differentiable argument.
 * The cotangent is not 1, so 'none' reductions are checked as full Jacobian-vector products.
 */
import { describe, expect, it } from 'vitest';
import { customVjp, key, mul, normal, split, sum, square, tensor, uniform, type Tensor } from '../../../src/core/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, gaussianNll, gaussianNllLogVar, mse, nll, type Reduction } from '../../../src/losses/index.js';
import { gradientMismatches, logSoftmax, reference } from './support.js';

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];
const [k1, k2, k3, k4] = split(key(2024), 4);
const logits = normal(reference, k1, [3, 4], { std: 2 });
const labels = [1, 3, 0];
const weight = [0.5, 2, 1, 3];
// BCE logits include an exact 0 (where the two max kinks meet) and a soft target.
const bceLogits = tensor(reference, [0, 1.5, -2, 0.25, -0.75, 3], [2, 3]);
const bceTargets = tensor(reference, [1, 0, 0.3, 0.5, 1, 0], [2, 3]);
const mu = normal(reference, k2, [3, 2]);
const y = normal(reference, k3, [3, 2]);
// Variances away from eps (the clamp is straight-through; finite differences cannot see it).
const variance = (shape: readonly number[]): Tensor => uniform(reference, k4, shape, { low: 0.3, high: 2 });

interface Case {
  readonly name: string;
  readonly f: (...xs: Tensor[]) => Tensor;
  readonly inputs: readonly Tensor[];
}

const classCases = REDUCTIONS.flatMap((reduction): Case[] => {
  const ceOptions = [
    { reduction },
    { reduction, weight },
    { reduction, ignoreIndex: 3 },
    { reduction, labelSmoothing: 0.15 },
    { reduction, weight, ignoreIndex: 0, labelSmoothing: 0.3 },
  ];
  const nllOptions = [{ reduction }, { reduction, weight }, { reduction, ignoreIndex: 1 }, { reduction, weight, ignoreIndex: 0 }];
  return [
    ...ceOptions.map((options) => ({ name: `crossEntropy ${JSON.stringify(options)}`, f: (z: Tensor) => crossEntropy(z, labels, options), inputs: [logits] })),
    { name: `crossEntropy batch of one, ${reduction}`, f: (z: Tensor) => crossEntropy(z, [2], { reduction, labelSmoothing: 0.1 }), inputs: [tensor(reference, [0.3, -1, 2, 0], [1, 4])] },
    ...nllOptions.map((options) => ({ name: `nll(logSoftmax) ${JSON.stringify(options)}`, f: (z: Tensor) => nll(logSoftmax(z), labels, options), inputs: [logits] })),
    { name: `nll on raw log-probabilities, ${reduction}`, f: (p: Tensor) => nll(p, labels, { reduction, weight }), inputs: [logSoftmax(logits)] },
  ];
});

const regressionCases = REDUCTIONS.flatMap((reduction): Case[] => {
  const bceOptions = [
    { reduction },
    { reduction, posWeight: [3, 0.5, 1] },
    { reduction, weight: tensor(reference, [2, 0.25], [2, 1]) },
    { reduction, posWeight: 2, weight: [1, 0, 4] },
  ];
  return [
    { name: `mse ${reduction}`, f: (p: Tensor, t: Tensor) => mse(p, t, { reduction }), inputs: [mu, y] },
    ...bceOptions.map((options) => ({
      name: `binaryCrossEntropyWithLogits ${JSON.stringify({ ...options, weight: options.weight === undefined ? undefined : 'given' })}`,
      f: (x: Tensor, z: Tensor) => binaryCrossEntropyWithLogits(x, z, options),
      inputs: [bceLogits, bceTargets],
    })),
    ...[false, true].flatMap((full) =>
      [[3, 2], [3, 1], [3]].flatMap((varShape): Case[] => [
        { name: `gaussianNll ${reduction} full=${full} variance ${JSON.stringify(varShape)}`, f: (m: Tensor, t: Tensor, v: Tensor) => gaussianNll(m, t, v, { reduction, full }), inputs: [mu, y, variance(varShape)] },
        {
          name: `gaussianNllLogVar ${reduction} full=${full} logVar ${JSON.stringify(varShape)}`,
          f: (m: Tensor, t: Tensor, s: Tensor) => gaussianNllLogVar(m, t, s, { reduction, full }),
          inputs: [mu, y, normal(reference, k4, varShape)],
        },
      ]),
    ),
  ];
});

describe('loss gradients = central differences (reference backend, float64)', () => {
  for (const { name, f, inputs } of [...classCases, ...regressionCases]) {
    it(name, async () => {
      expect(await gradientMismatches(f, inputs)).toEqual([]);
    });
  }
});

describe('the inline gradient checker can fail', () => {
  const squareSum = (scale: number) =>
    customVjp((x: Tensor) => sum(square(x)), {
      fwd: (x) => [sum(square(x)), x],
      bwd: (x, ct) => [mul(ct, mul(x, 2 * scale))],
    });
  const x = tensor(reference, [0.5, -1, 2], [3]);
  it('accepts the right rule', async () => {
    expect(await gradientMismatches(squareSum(1), [x])).toEqual([]);
  });
  it('catches a sign flip and a 1% error', async () => {
    expect(await gradientMismatches(squareSum(-1), [x])).toHaveLength(3);
    expect(await gradientMismatches(squareSum(1.01), [x])).toHaveLength(3);
  });
});
