/**
 * Pure, splittable, counter-based randomness (JAX's model, Threefry-2x32 with 20 rounds).
 * A key is an immutable value; the same key always gives the same numbers, and `split` derives
 * independent keys. There is no global generator and no ambient randomness anywhere in purenet.
 *
 * @example
 * const [initKey, shuffleKey] = split(key(0), 2);
 * const w = normal(cpu, initKey, [256, 784], { std: 0.05 });
 */
import type { Backend } from './backend/backend.js';
import { InvalidArgumentError } from './errors.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import { tensor, type Tensor } from './tensor.js';

export interface Key {
  readonly kind: 'purenet.key';
  readonly words: readonly [number, number];
}

/** A key from a seed (an integer in [0, 2^53)). */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidArgumentError('key', `expected a non-negative safe integer seed, got ${seed}`);
  return { kind: 'purenet.key', words: [Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0] };
};

/** A key from its two 32-bit words (e.g. restored from a checkpoint). */
export const keyFromWords = (words: readonly [number, number]): Key => ({ kind: 'purenet.key', words: [words[0] >>> 0, words[1] >>> 0] });

/**
 * Threefry-2x32 with 20 rounds (Random123's, as JAX uses it): encrypts the counter (c0, c1) under
 * the key; writes 2 words at out[at]. Unrolled, in int32 arithmetic (| 0), with no allocation: a
 * permutation of 60,000 (60,000 calls) took 25 ms with a loop over rotation tables and a fresh
 * key-schedule array per call. Checked against Random123's known answers. @internal (exported for tests)
 */
export const threefry2x32 = (k0: number, k1: number, c0: number, c1: number, out: Uint32Array, at: number): void => {
  const k2 = k0 ^ k1 ^ 0x1bd11bda;
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  // Four rounds with rotations 13, 15, 26, 6 or 17, 29, 16, 24, then a key injection.
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 2) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 4) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 5) | 0;
  out[at] = x0;
  out[at + 1] = x1;
};

const threefry = (k: Key, c0: number, c1: number, out: Uint32Array, at: number): void => threefry2x32(k.words[0], k.words[1], c0, c1, out, at);

/** `count` random 32-bit words; stream `domain` keeps splitting and sampling independent. */
const bits = (k: Key, count: number, domain: number): Uint32Array => {
  const out = new Uint32Array(count + (count % 2));
  for (let i = 0; i < out.length; i += 2) threefry(k, i / 2, domain, out, i);
  return count % 2 === 0 ? out : out.subarray(0, count);
};

/** `n` new independent keys derived from `k`. */
export const split = (k: Key, n = 2): Key[] => {
  const words = bits(k, 2 * n, 0x5b1d);
  return Array.from({ length: n }, (_, i) => keyFromWords([words[2 * i], words[2 * i + 1]]));
};

/** A key for one step of a loop: `foldIn(k, step)` differs for every step. */
export const foldIn = (k: Key, data: number): Key => {
  const out = new Uint32Array(2);
  threefry(k, data >>> 0, Math.floor(data / 2 ** 32) >>> 0, out, 0);
  return keyFromWords([out[0], out[1]]);
};

/** `n` uniform float64 values in [0, 1) with 53 random bits each. */
export const uniformValues = (k: Key, n: number): Float64Array => {
  const words = bits(k, 2 * n, 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992;
  return out;
};

/** `n` standard normal float64 values (Box-Muller on open-interval uniforms). */
export const normalValues = (k: Key, n: number): Float64Array => {
  const u = uniformValues(k, n + (n % 2));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - u[i])); // 1 - u is in (0, 1]
    const angle = 2 * Math.PI * u[i + 1];
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
};

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export const permutation = (k: Key, n: number): Int32Array => {
  const u = uniformValues(k, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
};

export const normal = <const S extends Shape>(backend: Backend, k: Key, shape: S, options: { readonly mean?: number; readonly std?: number } = {}): Tensor<S> => {
  checkShape('normal', shape);
  const { mean = 0, std = 1 } = options;
  const values = normalValues(k, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * values[i];
  return tensor(backend, values, shape);
};

export const uniform = <const S extends Shape>(backend: Backend, k: Key, shape: S, options: { readonly low?: number; readonly high?: number } = {}): Tensor<S> => {
  checkShape('uniform', shape);
  const { low = 0, high = 1 } = options;
  const values = uniformValues(k, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * values[i];
  return tensor(backend, values, shape);
};

/** 1 with probability p, else 0. */
export const bernoulli = <const S extends Shape>(backend: Backend, k: Key, shape: S, p: number): Tensor<S> => {
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError('bernoulli', `expected p in [0, 1], got ${p}`);
  const values = uniformValues(k, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = values[i] < p ? 1 : 0;
  return tensor(backend, values, shape);
};
