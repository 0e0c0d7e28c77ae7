import { describe, expect, it } from 'vitest';
import { cpuBackend, key, normalValues, tensor, toArray, vjp, scalar, sum, mul, type Backend, type Tensor } from '../../../src/core/index.js';
import { concatAll } from '../../../src/layers/merges.js';
import { gradientError, reference } from './finite-differences.js';

const cpu = cpuBackend();
const randomTensor = (backend: Backend, seed: number, shape: readonly number[]): Tensor => tensor(backend, normalValues(key(seed), shape.reduce((n, d) => n * d, 1)), shape);

/** Concatenation along the last axis on the host, the specification. */
const hostConcat = (parts: readonly { values: ArrayLike<number>; width: number }[], rows: number): number[] => {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (const { values, width } of parts) for (let k = 0; k < width; k++) out.push(values[r * width + k]);
  return out;
};

describe('concatAll: along the last axis, in declaration order', () => {
  for (const backend of [reference, cpu]) {
    it(`copies values exactly, rank 2 and 3 (${backend.name})`, async () => {
      const [a, b, c] = [randomTensor(backend, 1, [2, 3, 2]), randomTensor(backend, 2, [2, 3, 5]), randomTensor(backend, 3, [2, 3, 1])];
      const out = concatAll({ a, b, c });
      expect(out.shape).toEqual([2, 3, 8]);
      const parts = await Promise.all([a, b, c].map(async (t) => ({ values: await toArray(t), width: t.shape[2] })));
      // 0/1 placement matrices add exact zeros: the float32 result equals the inputs bit for bit.
      expect(Array.from(await toArray(out))).toEqual(hostConcat(parts, 6));
      const swapped = concatAll({ c, a });
      expect(swapped.shape).toEqual([2, 3, 3]);
      expect(Array.from(await toArray(swapped)).slice(0, 3)).toEqual([(await toArray(c))[0], (await toArray(a))[0], (await toArray(a))[1]]);
    });
  }

  it('its VJP hands each input its slice of the cotangent', async () => {
    const [a, b] = [randomTensor(reference, 1, [2, 2]), randomTensor(reference, 2, [2, 3])];
    const ct = tensor(reference, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]);
    const [, pullback] = vjp((p: Tensor, q: Tensor) => sum(mul(concatAll({ p, q }), ct)))(a, b);
    const [ga, gb] = pullback(scalar(reference, 1));
    expect(Array.from(await toArray(ga))).toEqual([1, 2, 6, 7]);
    expect(Array.from(await toArray(gb))).toEqual([3, 4, 5, 8, 9, 10]);
    const other = randomTensor(reference, 4, [2, 3]);
    expect(await gradientError((x) => concatAll({ x, other }), Array.from(normalValues(key(5), 4)), [2, 2])).toBeLessThanOrEqual(0);
  });

  it('refuses outputs that differ before the last axis, or none at all', () => {
    const [a, b] = [randomTensor(cpu, 1, [2, 3]), randomTensor(cpu, 2, [3, 3])];
    expect(() => concatAll({ a, b }, { api: 'parallel(block)' })).toThrow('parallel(block): concatAll expected branch outputs that differ only in the last axis, got a [2, 3], b [3, 3]');
    expect(() => concatAll({})).toThrow('parallel: concatAll expected at least one branch output, got none');
  });
});
