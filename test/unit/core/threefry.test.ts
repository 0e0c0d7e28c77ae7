/**
 * Threefry-2x32 (20 rounds), the generator under every key, split, foldIn, permutation and
 * initialiser: Random123's known answers, and agreement with a plain loop-over-rounds
 * implementation (the one it replaced, kept here as the specification) on arbitrary inputs.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { threefry2x32 } from '../../../src/core/random.js';

/** The specification: rounds from rotation tables, the key schedule as an array. */
function reference(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const rotations = [[13, 15, 26, 6], [17, 29, 16, 24]];
  const ks = [k0 >>> 0, k1 >>> 0, (k0 ^ k1 ^ 0x1bd11bda) >>> 0];
  let x0 = (c0 + ks[0]) >>> 0;
  let x1 = (c1 + ks[1]) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (const r of rotations[block % 2]) {
      x0 = (x0 + x1) >>> 0;
      x1 = (rotl(x1, r) ^ x0) >>> 0;
    }
    x0 = (x0 + ks[(block + 1) % 3]) >>> 0;
    x1 = (x1 + ks[(block + 2) % 3] + block + 1) >>> 0;
  }
  return [x0, x1];
}

const run = (k0: number, k1: number, c0: number, c1: number): [number, number] => {
  const out = new Uint32Array(4);
  threefry2x32(k0, k1, c0, c1, out, 1);
  expect([out[0], out[3]]).toEqual([0, 0]); // writes its two words only
  return [out[1], out[2]];
};

describe('threefry2x32', () => {
  // Random123 tests/kat_vectors, "threefry2x32 20": counter words, key words, output words.
  it.each([
    [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x243f6a88, 0x85a308d3], [0x13198a2e, 0x03707344], [0xc4923a9c, 0x483df7a0]],
  ])('gives Random123\'s known answer for counter %j under key %j', (counter, key, expected) => {
    expect(run(key[0], key[1], counter[0], counter[1])).toEqual(expected);
    expect(reference(key[0], key[1], counter[0], counter[1])).toEqual(expected);
  });

  it('agrees with the loop-over-rounds specification on any key and counter', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(fc.property(word, word, word, word, (k0, k1, c0, c1) => {
      expect(run(k0, k1, c0, c1)).toEqual(reference(k0, k1, c0, c1));
    }), { numRuns: 2000 });
  });
});
