/**
 * The cpu backend's WebAssembly SIMD elementwise kernels must give bitwise the JS kernels' results
 * (array/kernels.ts, the path every other float32 op takes): every binary op, same-shape and a
 * scalar on either side, lengths that are not multiples of 4, and the awkward values (±0, ±∞, NaN,
 * subnormals, float32 extremes); column sums with float64 accumulation for any column count. No
 * input is written.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { binary as jsBinary, reduce as jsReduce } from '../../../src/core/backend/array/kernels.js';
import { binaryOps, createWasmElementwise } from '../../../src/core/backend/wasm/elementwise.js';
import { cpuBackend } from '../../../src/core/backend/cpu.js';

const kernels = createWasmElementwise();
if (kernels === undefined) console.warn('wasm elementwise: WebAssembly SIMD is unavailable here; its tests are skipped');
const suite = kernels === undefined ? describe.skip : describe;

const awkward = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1, -1, 0.1, 3];
const float32 = fc.oneof(
  fc.float({ noDefaultInfinity: false, noNaN: false }),
  fc.constantFrom(...awkward),
);
const values = (min: number, max: number) => fc.array(float32, { minLength: min, maxLength: max }).map((xs) => Float32Array.from(xs));

const sameBits = (x: Float32Array, y: Float32Array): boolean => {
  const [u, v] = [new Uint32Array(x.buffer, x.byteOffset, x.length), new Uint32Array(y.buffer, y.byteOffset, y.length)];
  // NaN payloads may differ between engines' instructions; any NaN matches any NaN.
  return u.length === v.length && u.every((bits, i) => bits === v[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i])));
};

suite('wasm elementwise binary ops', () => {
  const wasm = kernels as NonNullable<typeof kernels>;

  it.each(binaryOps)('%s: bitwise the JS kernel, same shape and a scalar on either side', (op) => {
    fc.assert(fc.property(values(1, 70), fc.nat(), float32, fc.constantFrom('same', 'scalar-b', 'scalar-a'), (a, seed, s, layout) => {
      const b = layout === 'same' ? a.map((_, i) => a[(i * 7 + seed) % a.length] * (i % 3 === 0 ? -1 : 1)) : Float32Array.of(s);
      const [x, y] = layout === 'scalar-a' ? [b, a] : [a, b];
      const copies = [x.slice(), y.slice()];
      const shape = [a.length];
      const expected = jsBinary(Float32Array, op, x, x.length === 1 ? [] : shape, y, y.length === 1 ? [] : shape, shape) as Float32Array;
      const actual = wasm.binary(op, x, y);
      expect(sameBits(x, copies[0]) && sameBits(y, copies[1])).toBe(true);
      return sameBits(actual, expected);
    }), { numRuns: 200 });
  });

  it('maximum keeps JavaScript\'s order of signed zeros and propagates NaN from either side', () => {
    const a = Float32Array.of(0, -0, NaN, 1, -0, 0, 2, NaN);
    const b = Float32Array.of(-0, 0, 1, NaN, -0, 0, NaN, NaN);
    expect(Array.from(wasm.binary('maximum', a, b)).map((v) => Object.is(v, -0) ? '-0' : String(v))).toEqual(['-0', '0', 'NaN', 'NaN', '-0', '0', 'NaN', 'NaN']);
  });
});

suite('wasm column sums', () => {
  const wasm = kernels as NonNullable<typeof kernels>;
  it('are bitwise the JS reduction over axis 0 (float64 accumulation, rows in order), any column count', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 23 }), fc.nat(), (rows, columns, seed) => {
      const x = Float32Array.from({ length: rows * columns }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 10 ** ((i * 7 + seed) % 9 - 4)));
      const expected = jsReduce(Float32Array, 'sum', x, [rows, columns], [0]) as Float32Array;
      return sameBits(wasm.sumColumns(x, rows, columns), expected);
    }), { numRuns: 200 });
  });
});

suite('cpu backend dispatch', () => {
  it('uses the kernels for large arrays and still agrees with the JS path on broadcasts it does not take', () => {
    const cpu = cpuBackend({ threads: 1 });
    const js = cpuBackend({ kernels: 'js' });
    const n = 4096 + 3;
    const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const row = Float32Array.from({ length: 17 }, (_, i) => i - 8);
    const run = (backend: typeof cpu) => [
      backend.binary('mul', backend.upload(a, [n]), [n], backend.upload(a, [n]), [n], [n]),
      backend.binary('greater', backend.upload(a, [n]), [n], backend.upload(Float32Array.of(0), []), [], [n]),
      backend.binary('add', backend.upload(a.subarray(0, 17 * 241), [241, 17]), [241, 17], backend.upload(row, [17]), [17], [241, 17]),
      backend.reduce('sum', backend.upload(a.subarray(0, 17 * 241), [241, 17]), [241, 17], [0]),
    ] as unknown as Float32Array[];
    run(cpu).forEach((result, i) => expect(sameBits(result, run(js)[i])).toBe(true));
  });

  it('broadcasts operands of equal length whose shapes differ ([n, 1] against [1, n]) instead of pairing them', () => {
    const cpu = cpuBackend({ threads: 1 });
    const js = cpuBackend({ kernels: 'js' });
    const n = 2048;
    const column = Float32Array.from({ length: n }, (_, i) => i % 7);
    const row = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
    const run = (backend: typeof cpu) =>
      backend.binary('mul', backend.upload(column, [n, 1]), [n, 1], backend.upload(row, [1, n]), [1, n], [n, n]) as unknown as Float32Array;
    const [actual, expected] = [run(cpu), run(js)];
    expect(actual.length).toBe(n * n);
    expect(sameBits(actual, expected)).toBe(true);
  });
});
