/**
 * The float32 cpu backend against the float64 reference: every loss, value and gradient, on the
 * same inputs. Relative Frobenius error well under 1e-5 is float32 rounding; a bug is far above.
 */
import { describe, expect, it } from 'vitest';
import { key, normalValues, split, tensor, uniformValues, valueAndGrad, type Backend, type Tensor } from '../../../src/core/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, gaussianNll, gaussianNllLogVar, mse, nll } from '../../../src/losses/index.js';
import { cpu, logSoftmax, reference, relativeError, values } from './support.js';

const [k1, k2, k3, k4] = split(key(7), 4);
const N = 16;
const C = 10;
const scores = Array.from(normalValues(k1, N * C), (v) => 3 * v);
const second = Array.from(normalValues(k2, N * C));
const unit = Array.from(uniformValues(k3, N * C));
const labels = Array.from(uniformValues(k4, N), (u, i) => (i % 5 === 4 ? -100 : Math.floor(u * C)));
const weight = Array.from({ length: C }, (_, c) => 0.5 + c / 4);

/** A loss of two [N, C] arguments, differentiated in both (or in the first only). */
interface Case {
  readonly name: string;
  readonly loss: (a: Tensor, b: Tensor) => Tensor;
  readonly b: readonly number[];
}

const cases: readonly Case[] = [
  { name: 'crossEntropy', loss: (a) => crossEntropy(a, labels), b: second },
  { name: 'crossEntropy weight+ignore+smoothing', loss: (a) => crossEntropy(a, labels, { weight, labelSmoothing: 0.1 }), b: second },
  { name: 'nll(logSoftmax) weight', loss: (a) => nll(logSoftmax(a), labels, { weight }), b: second },
  { name: 'mse', loss: (a, b) => mse(a, b), b: second },
  { name: 'binaryCrossEntropyWithLogits', loss: (a, b) => binaryCrossEntropyWithLogits(a, b), b: unit },
  { name: 'binaryCrossEntropyWithLogits posWeight', loss: (a, b) => binaryCrossEntropyWithLogits(a, b, { posWeight: weight, reduction: 'sum' }), b: unit },
  { name: 'gaussianNll full', loss: (a, b) => gaussianNll(a, b, tensor(a.backend, unit.map((u) => u + 0.1), [N, C]), { full: true }), b: second },
  { name: 'gaussianNllLogVar', loss: (a, b) => gaussianNllLogVar(a, b, tensor(a.backend, second, [N, C])), b: unit },
];

const evaluate = async (backend: Backend, { loss, b }: Case): Promise<{ value: number[]; grads: number[] }> => {
  const [value, grads] = valueAndGrad((p: { a: Tensor; b: Tensor }) => loss(p.a, p.b))({ a: tensor(backend, scores, [N, C]), b: tensor(backend, b, [N, C]) });
  return { value: await values(value), grads: [...(await values(grads.a)), ...(await values(grads.b))] };
};

describe('cpu (float32) agrees with reference (float64)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const expected = await evaluate(reference, c);
      const got = await evaluate(cpu, c);
      expect(relativeError(got.value, expected.value)).toBeLessThan(1e-6);
      expect(relativeError(got.grads, expected.grads)).toBeLessThan(1e-5);
    });
  }
});

describe('no loss writes to its inputs', () => {
  for (const c of cases) {
    it(c.name, async () => {
      for (const backend of [reference, cpu]) {
        const a = tensor(backend, scores, [N, C]);
        const b = tensor(backend, c.b, [N, C]);
        const [before, labelsBefore, weightBefore] = [[...(await values(a)), ...(await values(b))], [...labels], [...weight]];
        valueAndGrad((p: { a: Tensor; b: Tensor }) => c.loss(p.a, p.b))({ a, b });
        expect([...(await values(a)), ...(await values(b))]).toEqual(before);
        expect(labels).toEqual(labelsBefore);
        expect(weight).toEqual(weightBefore);
      }
    });
  }
});
