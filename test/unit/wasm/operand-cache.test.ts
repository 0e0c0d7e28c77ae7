/**
 * Resident operands (matmul.ts `operandCache`, on for the cpu backend): a kernel keeps the operand
 * it placed first and, given that very array again as A or as B, neither copies nor counts it
 * again. That must never change a result: a chain of products reusing arrays in every position
 * gives bitwise what a kernel without the cache gives. Rewriting an array between calls breaks
 * the cache's premise on purpose here, to show that the copy really is skipped (and that it is
 * not without the option).
 */
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { createWasmMatmul, type WasmMatmul, type WasmMatmulOptions } from '../../../src/core/backend/wasm/matmul.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createThreadedWasmMatmul } from '../../../src/core/backend/wasm/threaded.js';
import { seededFloats } from './reference.js';

const spawner = nodeThreadSpawner();
const base: WasmMatmulOptions = { prefer: 'mul-add', zeroSkipMinFlops: 0 };

function kernels(): { name: string; make: (resident: boolean) => WasmMatmul | undefined }[] {
  const out = [{ name: '1 thread', make: (resident: boolean) => createWasmMatmul({ ...base, residentOperands: resident }) }];
  if (spawner !== undefined) {
    out.push({ name: '2 threads', make: (resident) => createThreadedWasmMatmul({ ...base, residentOperands: resident, threads: 2, spawner, minParallelFlops: 0 }) });
  }
  return out;
}

const cases = createWasmMatmul() === undefined ? [] : kernels();
if (cases.length === 0) console.warn('operand cache: WebAssembly SIMD is unavailable here; its tests are skipped');
const made: WasmMatmul[] = [];
const make = (factory: (resident: boolean) => WasmMatmul | undefined, resident: boolean): WasmMatmul => {
  const kernel = factory(resident);
  if (kernel === undefined) throw new Error('no wasm kernel');
  made.push(kernel);
  return kernel;
};
afterAll(async () => {
  await Promise.all(made.map((k) => (k as { close?: () => Promise<void> }).close?.()));
});

const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** Mostly-zero floats (so the sparse path and its census run too) or dense ones. */
const floats = (length: number, seed: number, sparse: boolean): Float32Array =>
  seededFloats(length, seed).map((v, i) => (sparse && (i * 7 + seed) % 10 < 7 ? 0 : v));

describe.each(cases)('resident operands, $name', ({ make: factory }) => {
  it('give the uncached kernel\'s bits over chains of products that reuse arrays as A, as B and as both', () => {
    const cached = make(factory, true);
    const plain = make(factory, false);
    // Each step multiplies two arrays of a pool of square d×d matrices, picked by the run.
    const step = fc.record({ left: fc.nat(3), right: fc.nat(3), transA: fc.boolean(), transB: fc.boolean() });
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(step, { minLength: 1, maxLength: 12 }), fc.nat(1000), (d, steps, seed) => {
      const pool = [0, 1, 2, 3].map((i) => floats(d * d, seed + i, i % 2 === 0));
      for (const { left, right, transA, transB } of steps) {
        const [a, b] = [pool[left], pool[right]];
        expect(bits(cached.matmul(a, b, d, d, d, transA, transB))).toEqual(bits(plain.matmul(a, b, d, d, d, transA, transB)));
        expect(cached.lastSkip()).toBe(plain.lastSkip());
      }
    }), { numRuns: 40 });
  });

  it('does not copy a kept operand again (shown by rewriting it, which callers must not do), and copies without the option', () => {
    const [m, k, n] = [24, 40, 16];
    const x = floats(m * k, 1, true);
    const w = floats(n * k, 2, false);
    const dz = floats(m * n, 3, false);
    const original = x.slice();
    for (const resident of [true, false]) {
      const kernel = make(factory, resident);
      kernel.matmul(x, w, m, k, n, false, true); // x is A, placed first and kept
      x.set(seededFloats(m * k, 99)); // a caller rewriting its array
      const second = kernel.matmul(dz, x, n, m, k, true, false); // x again, as B: dzᵀ·x
      const fresh = make(factory, false);
      const expected = fresh.matmul(dz, resident ? original : x, n, m, k, true, false);
      expect(bits(second)).toEqual(bits(expected));
      x.set(original);
    }
  });
});

describe.runIf(spawner !== undefined && cases.length > 0)('operands at home in the threaded kernel\'s arenas', () => {
  it('are read where they are, with the bits of copied operands, whatever mix of pooled, home and repeated arrays', () => {
    const threaded = createThreadedWasmMatmul({ ...base, residentOperands: true, threads: 2, spawner: spawner as NonNullable<typeof spawner>, minParallelFlops: 0, arenaBytes: 1 << 20 });
    const plain = make((resident) => createWasmMatmul({ ...base, residentOperands: resident }), false);
    if (threaded === undefined) throw new Error('no threaded kernel');
    made.push(threaded);
    const home = threaded.home;
    if (home === undefined) throw new Error('no arenas');
    // A pool of d×d matrices, each either a fresh array or a view in one of the two arenas.
    const step = fc.record({ left: fc.nat(5), right: fc.nat(5), transA: fc.boolean(), transB: fc.boolean() });
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(step, { minLength: 1, maxLength: 10 }), fc.nat(1000), (d, steps, seed) => {
      const pool = [0, 1, 2, 3, 4, 5].map((i) => {
        const values = floats(d * d, seed + i, i % 2 === 0);
        const arena = i < 2 ? undefined : i < 4 ? home.arena : home.uploads;
        const region = arena?.take(d * d);
        if (arena === undefined || region === undefined) return values;
        const view = arena.view(region, d * d);
        view.set(values);
        return view;
      });
      for (const { left, right, transA, transB } of steps) {
        const [a, b] = [pool[left], pool[right]];
        expect(bits(threaded.matmul(a, b, d, d, d, transA, transB))).toEqual(bits(plain.matmul(a, b, d, d, d, transA, transB)));
      }
      home.arena.release(pool);
      home.uploads.release(pool);
      expect(home.arena.bytesInUse() + home.uploads.bytesInUse()).toBe(0);
    }), { numRuns: 40 });
  });

  it('refuses an arena operand that was released', () => {
    const threaded = createThreadedWasmMatmul({ ...base, threads: 2, spawner: spawner as NonNullable<typeof spawner>, minParallelFlops: 0, arenaBytes: 65536 });
    if (threaded?.home === undefined) throw new Error('no arenas');
    made.push(threaded);
    const { uploads } = threaded.home;
    const x = uploads.view(uploads.take(64) as NonNullable<ReturnType<typeof uploads.take>>, 64);
    uploads.release([x]);
    expect(() => threaded.matmul(x, new Float32Array(64), 8, 8, 8, false, false)).toThrow(/matmul: .*released/);
  });
});
