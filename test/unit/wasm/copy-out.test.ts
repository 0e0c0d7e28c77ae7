/**
 * Results copied out of a kernel's memory may land in uninitialised arrays (Node's
 * Buffer.allocUnsafeSlow, node-alloc.ts). So every copy-out must fill its array entirely: with an
 * allocator that hands out NaN-poisoned arrays, every kernel gives the zero-filled allocator's
 * bits. And the Node allocator gives each large array an ArrayBuffer of its own.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { arrayBackend } from '../../../src/core/backend/array/array-backend.js';
import { createWasmAdam } from '../../../src/core/backend/wasm/adam.js';
import { zeroFilled, type Allocate } from '../../../src/core/backend/copy-out.js';
import { createWasmElementwise } from '../../../src/core/backend/wasm/elementwise.js';
import { createWasmMatmul, type WasmMatmul } from '../../../src/core/backend/wasm/matmul.js';
import { minUninitializedFloats, nodeUninitializedAllocator } from '../../../src/core/backend/node-alloc.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createThreadedWasmMatmul } from '../../../src/core/backend/wasm/threaded.js';
import { seededFloats } from './reference.js';

const poisoned: Allocate = (length) => new Float32Array(length).fill(NaN);
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
const simd = createWasmMatmul() !== undefined;
const spawner = nodeThreadSpawner();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe.skipIf(!simd)('copy-out fills every result', () => {
  // Sizes that are not multiples of the vector or block sizes; a sparse X takes the listing path.
  const [m, k, n] = [37, 70, 29];
  const x = seededFloats(m * k, 1).map((v, i) => (i % 5 < 3 ? 0 : v));
  const w = seededFloats(n * k, 2);
  const bias = seededFloats(n, 3);

  it('in the matmul, on one thread and on two, dense and sparse', () => {
    const make = (allocate: Allocate): WasmMatmul[] => {
      const one = createWasmMatmul({ allocate, zeroSkipMinFlops: 0 });
      const threaded = spawner && createThreadedWasmMatmul({ allocate, threads: 2, spawner, minParallelFlops: 0, zeroSkipMinFlops: 0 });
      if (threaded !== undefined) closers.push(() => threaded.close());
      return [one, threaded].filter((kernel): kernel is WasmMatmul => kernel !== undefined);
    };
    const [good, bad] = [make(zeroFilled), make(poisoned)];
    expect(bad.length).toBe(good.length);
    good.forEach((kernel, i) => {
      for (const a of [x, seededFloats(m * k, 4)]) {
        const expected = kernel.matmul(a, w, m, k, n, false, true, { bias, relu: true });
        expect(bits(bad[i].matmul(a, w, m, k, n, false, true, { bias, relu: true }))).toEqual(bits(expected));
      }
    });
  });

  it('in the Adam sweep, its three results', () => {
    const size = 1027;
    const [g, p, mu, nu] = [5, 6, 7, 8].map((seed) => seededFloats(size, seed).map((v, i) => (i > 3 ? v : Math.abs(v))));
    const hyper = { b1: 0.9, b2: 0.999, stepScale: 1, epsScaled: 1e-8, applyFactor: -1e-3 };
    const expected = createWasmAdam(zeroFilled)?.step(g, mu, nu.map(Math.abs), p, hyper);
    const actual = createWasmAdam(poisoned)?.step(g, mu, nu.map(Math.abs), p, hyper);
    expect(actual && [bits(actual.result), bits(actual.mu), bits(actual.nu)]).toEqual(expected && [bits(expected.result), bits(expected.mu), bits(expected.nu)]);
  });

  it('in the elementwise kernels and in uploads', () => {
    const [good, bad] = [createWasmElementwise(zeroFilled), createWasmElementwise(poisoned)];
    const [a, b] = [seededFloats(2053, 9), seededFloats(2053, 10)];
    expect(bits(bad?.binary('mul', a, b) ?? new Float32Array())).toEqual(bits(good?.binary('mul', a, b) ?? new Float32Array(1)));
    expect(bits(bad?.sumColumns(a, 1, 2053) ?? new Float32Array())).toEqual(bits(good?.sumColumns(a, 1, 2053) ?? new Float32Array(1)));
    const backend = arrayBackend({ name: 'cpu', dtype: 'float32', description: 'test', array: Float32Array, allocate: poisoned, matmul: () => new Float32Array() });
    const uploaded = backend.upload([1.5, -0, 3], [3]) as unknown as Float32Array;
    expect(bits(uploaded)).toEqual(bits(Float32Array.of(1.5, -0, 3)));
  });
});

describe('the Node allocator', () => {
  const allocate = nodeUninitializedAllocator();
  it('exists here, and gives large arrays an ArrayBuffer each, exactly their size', () => {
    expect(allocate).toBeDefined();
    const [one, two] = [allocate?.(minUninitializedFloats), allocate?.(minUninitializedFloats)];
    expect(one?.byteOffset).toBe(0);
    expect(one?.buffer.byteLength).toBe(4 * minUninitializedFloats);
    expect(one?.buffer).not.toBe(two?.buffer);
    expect(allocate?.(3)).toEqual(new Float32Array(3)); // small ones stay zero-filled typed arrays
  });
});
