/**
 * The WebAssembly softmax / cross-entropy pass (src/core/backend/wasm/cross-entropy.ts) must give
 * the TypeScript kernel's values exactly: its exp and log are V8's fdlibm ports, so they must
 * match Math.exp and Math.log bit for bit, and the pass must then match array/kernels.ts on every
 * element (NaN counts as equal to NaN: WebAssembly leaves NaN payloads to the engine).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmCrossEntropy, crossEntropyModuleBytes } from '../../../src/core/backend/wasm/cross-entropy.js';
import * as kernels from '../../../src/core/backend/array/kernels.js';

const kernel = createWasmCrossEntropy();
if (kernel === undefined) console.warn('wasm cross-entropy: WebAssembly is unavailable here; its tests are skipped');
const suite = kernel === undefined ? describe.skip : describe;
const ce = kernel as NonNullable<typeof kernel>;

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

suite('wasm cross-entropy', () => {
  it('has exp and log with the bits of Math.exp and Math.log', () => {
    const specials = [0, -0, 1, -1, 0.5, 2, 5e-324, 1e-300, 1e300, Infinity, -Infinity, NaN, 709.78, 709.79, -745.13, -745.14,
      2 ** -28, -(2 ** -28), 0.34657, 0.34658, 1.03972, 1.03973, Math.LN2, -Math.LN2, 1 + 2 ** -52, 1 - 2 ** -53];
    for (const x of specials) {
      expect(Object.is(ce.exp(x), Math.exp(x)), `exp(${x})`).toBe(true);
      expect(Object.is(ce.log(x), Math.log(x)), `log(${x})`).toBe(true);
    }
    fc.assert(fc.property(fc.double({ min: -800, max: 800, noNaN: true }), (x) => Object.is(ce.exp(x), Math.exp(x))), { numRuns: 20000 });
    fc.assert(fc.property(fc.double({ min: 0, noNaN: true }), (x) => Object.is(ce.log(x), Math.log(x))), { numRuns: 20000 });
    // The softmax's range: exp of (z − max) ≤ 0, log of sums in [1, classes].
    for (let i = 0; i < 200000; i++) {
      const x = -((i * 0.6180339887) % 1) * 60;
      const y = 1 + ((i * 0.4142135623) % 1) * 30;
      if (!Object.is(ce.exp(x), Math.exp(x)) || !Object.is(ce.log(y), Math.log(y))) throw new Error(`mismatch at ${x} or ${y}`);
    }
  });

  const rows = fc.record({
    n: fc.integer({ min: 1, max: 40 }),
    classes: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    scale: fc.constantFrom(1, 10, 1e4),
    poison: fc.boolean(),
    scalarCt: fc.boolean(),
  });

  it('gives the TypeScript kernel\'s loss, softmax and gradient on every element', () => {
    fc.assert(fc.property(rows, ({ n, classes, seed, scale, poison, scalarCt }) => {
      const z = Float32Array.from({ length: n * classes }, (_, i) => Math.sin(i * 1.37 + seed) * scale);
      if (poison) [NaN, Infinity, -Infinity].forEach((v, i) => { z[(seed + 7 * i) % z.length] = v; });
      // Labels in range, ignored (-100) and out of range.
      const labels = Int32Array.from({ length: n }, (_, i) => ((i + seed) % 9 === 0 ? -100 : (i + seed) % 11 === 0 ? classes : (i * 3 + seed) % classes));
      const t = { labels, classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 };
      const fast = ce.forward(z, n, classes, t);
      const slow = kernels.crossEntropy(Float32Array, z, n, classes, t);
      expect(fast).toBeDefined();
      expect(same(fast?.loss ?? [], slow.loss)).toBe(true);
      expect(same(fast?.softmax ?? [], slow.softmax)).toBe(true);
      const ct = scalarCt ? Float32Array.of(1 / n) : Float32Array.from({ length: n }, (_, i) => i / 7 - 2);
      const softmax = slow.softmax as Float32Array;
      expect(same(ce.backward(softmax, ct, n, classes, t) ?? [], kernels.crossEntropyBackward(Float32Array, softmax, ct, n, classes, t))).toBe(true);
    }), { numRuns: 300 });
  });

  it('leaves class weights and label smoothing to the TypeScript kernel', () => {
    const z = new Float32Array(6);
    const base = { labels: Int32Array.of(0, 1), classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 };
    expect(ce.forward(z, 2, 3, { ...base, labelSmoothing: 0.1 })).toBeUndefined();
    expect(ce.forward(z, 2, 3, { ...base, classWeights: Float64Array.of(1, 2, 3) })).toBeUndefined();
    expect(ce.backward(z, Float32Array.of(1), 2, 3, { ...base, labelSmoothing: 0.1 })).toBeUndefined();
  });

  it('fits the 4 KB browsers compile synchronously on the main thread', () => {
    expect(crossEntropyModuleBytes().length).toBeLessThan(4096);
  });
});
