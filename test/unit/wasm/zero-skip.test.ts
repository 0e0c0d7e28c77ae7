/**
 * Zero skipping (src/core/backend/wasm/zero-skip.ts, the sparse-rows path) must change speed only:
 * the single-thread and threaded kernels give bitwise the dense kernel's result on operands whose
 * k lines, blocks or scattered elements are +0 (every transposition, ragged cache blocks,
 * epilogues, either operand sparse), it must really engage where it should (lastSkip), and it
 * must stand down where the other operand holds ±∞ or NaN (0·∞ is NaN, so skipping would hide it).
 */
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { createWasmMatmul, type WasmMatmul, type WasmMatmulBlocking, type WasmMatmulOptions } from '../../../src/core/backend/wasm/matmul.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createThreadedWasmMatmul } from '../../../src/core/backend/wasm/threaded.js';
import { encodeModule } from '../../../src/core/backend/wasm/emit.js';
import { SPARSE_A, SPARSE_B, chooseSkip, finiteFunction, sampledFloats } from '../../../src/core/backend/wasm/zero-skip.js';
import { seededFloats } from './reference.js';

const tinyBlocks: WasmMatmulBlocking = { mc: 8, kc: 5, nc: 16 };
const spawner = nodeThreadSpawner();

/** Kernels under test, each with its dense twin (same flavour and blocking, skipping off). */
function pairs(blocking?: WasmMatmulBlocking): { name: string; skipping: WasmMatmul; dense: WasmMatmul; close?: () => Promise<void> }[] {
  const base: WasmMatmulOptions = { prefer: 'mul-add', ...(blocking === undefined ? {} : { blocking }) };
  const dense = createWasmMatmul({ ...base, zeroSkip: false });
  const single = createWasmMatmul({ ...base, zeroSkipMinFlops: 0 });
  if (dense === undefined || single === undefined) return [];
  const out: ReturnType<typeof pairs> = [{ name: '1 thread', skipping: single, dense }];
  const threaded = spawner && createThreadedWasmMatmul({ ...base, threads: 2, spawner, minParallelFlops: 0, zeroSkipMinFlops: 0 });
  if (threaded !== undefined) out.push({ name: '2 threads', skipping: threaded, dense, close: () => threaded.close() });
  return out;
}

const kernels = [...pairs(), ...pairs(tinyBlocks).map((p) => ({ ...p, name: `${p.name}, tiny blocks` }))];
if (kernels.length === 0) console.warn('zero skipping: WebAssembly SIMD is unavailable here; its tests are skipped');
afterAll(async () => {
  await Promise.all(kernels.map((k) => k.close?.()));
});

/** Seeded floats where a pattern zeroes elements: whole rows/columns of op(X), or scattered. */
function sparseFloats(rows: number, columns: number, seed: number, zero: (i: number, j: number) => boolean): Float32Array {
  const values = seededFloats(rows * columns, seed);
  return values.map((v, index) => (zero(Math.floor(index / columns), index % columns) ? 0 : v));
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const [u, v] = [new Uint32Array(x.buffer, x.byteOffset, x.length), new Uint32Array(y.buffer, y.byteOffset, y.length)];
  return u.length === v.length && u.every((bits, index) => bits === v[index]);
}

const sparseCase = fc.record({
  m: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 40 }), n: fc.integer({ min: 1, max: 40 }),
  transA: fc.boolean(), transB: fc.boolean(), bias: fc.boolean(), relu: fc.boolean(),
  sparseSide: fc.constantFrom('a', 'b'), pattern: fc.constantFrom('k-lines', 'blocks', 'scattered'),
  density: fc.double({ min: 0, max: 0.6, noNaN: true }), seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

describe.each(kernels)('zero skipping, $name', ({ skipping, dense }) => {
  it('gives the dense kernel\'s bits on sparse operands: every transposition, pattern and epilogue', () => {
    fc.assert(fc.property(sparseCase, (c) => {
      const keep = (i: number, j: number): boolean => {
        const h = Math.imul(i * 31 + j * 17 + 7, 0x9e3779b1) >>> 0;
        const along = c.pattern === 'k-lines' ? (c.sparseSide === 'a' ? j : i) : c.pattern === 'blocks' ? (i >> 2) * 7 + (j >> 3) : h;
        return ((Math.imul(along + c.seed, 0x85ebca6b) >>> 8) % 1000) / 1000 < c.density;
      };
      // Stored shapes: A is m×k (k×m when transA), B is k×n (n×k when transB).
      const [ar, ac] = c.transA ? [c.k, c.m] : [c.m, c.k];
      const [br, bc] = c.transB ? [c.n, c.k] : [c.k, c.n];
      const a = c.sparseSide === 'a' ? sparseFloats(ar, ac, c.seed, (i, j) => !keep(c.transA ? j : i, c.transA ? i : j)) : seededFloats(ar * ac, c.seed);
      const b = c.sparseSide === 'b' ? sparseFloats(br, bc, c.seed ^ 1, (i, j) => !keep(c.transB ? j : i, c.transB ? i : j)) : seededFloats(br * bc, c.seed ^ 1);
      const epilogue = { ...(c.bias ? { bias: seededFloats(c.n, c.seed ^ 2) } : {}), relu: c.relu };
      const expected = dense.matmul(a, b, c.m, c.k, c.n, c.transA, c.transB, epilogue);
      const actual = skipping.matmul(a, b, c.m, c.k, c.n, c.transA, c.transB, epilogue);
      return sameBits(actual, expected);
    }), { numRuns: 300 });
  });

  // The lecture's shapes with MNIST-like data: forward x·wᵀ skips A's zeros, dW = dZᵀ·x skips B's.
  const image = (rows: number, seed: number): Float32Array =>
    sparseFloats(rows, 784, seed, (i, j) => { const [y, x] = [Math.floor(j / 28), j % 28]; return Math.abs(y - 14) + Math.abs(x - 14 + (i % 5)) > 9; });

  it('skips the pixels\' zeros in the forward product and in dW, with the dense bits', () => {
    const x = image(256, 3);
    const w = seededFloats(256 * 784, 4);
    const forward = skipping.matmul(x, w, 256, 784, 256, false, true, { bias: seededFloats(256, 5), relu: true });
    expect(skipping.lastSkip()).toBe('a');
    expect(sameBits(forward, dense.matmul(x, w, 256, 784, 256, false, true, { bias: seededFloats(256, 5), relu: true }))).toBe(true);
    const dz = seededFloats(256 * 256, 6);
    const dw = skipping.matmul(dz, x, 256, 256, 784, true, false);
    expect(skipping.lastSkip()).toBe('b');
    expect(sameBits(dw, dense.matmul(dz, x, 256, 256, 784, true, false))).toBe(true);
  });

  // Depths over one k block (256) make the epilogue accumulate; 32+ columns of the product as run
  // take the whole-tile stores (Cᵀ by transposed quads of rows when op(B) is the sparse one).
  it.each([
    { m: 40, k: 600, n: 13, side: 'b' }, { m: 13, k: 600, n: 40, side: 'a' }, { m: 67, k: 300, n: 70, side: 'b' },
    { m: 70, k: 300, n: 67, side: 'a' }, { m: 5, k: 513, n: 36, side: 'a' }, { m: 36, k: 513, n: 5, side: 'b' },
  ] as const)('gives the dense bits across k blocks and whole tiles: $m×$k·$k×$n, sparse $side', ({ m, k, n, side }) => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const zeros = (i: number, j: number): boolean => (i * 7 + j * 3) % 10 < 7;
      const a = side === 'a' ? sparseFloats(transA ? k : m, transA ? m : k, 11, zeros) : seededFloats(m * k, 11);
      const b = side === 'b' ? sparseFloats(transB ? n : k, transB ? k : n, 12, zeros) : seededFloats(k * n, 12);
      const epilogue = { bias: seededFloats(n, 13), relu: true };
      const actual = skipping.matmul(a, b, m, k, n, transA, transB, epilogue);
      expect(skipping.lastSkip()).toBe(side);
      expect(sameBits(actual, dense.matmul(a, b, m, k, n, transA, transB, epilogue))).toBe(true);
      const plain = skipping.matmul(a, b, m, k, n, transA, transB);
      expect(sameBits(plain, dense.matmul(a, b, m, k, n, transA, transB))).toBe(true);
    }
  });

  it('stays dense on dense data', () => {
    skipping.matmul(seededFloats(64 * 64, 1), seededFloats(64 * 64, 2), 64, 64, 64, false, false);
    expect(skipping.lastSkip()).toBe('dense');
  });

  it.each([Infinity, -Infinity, NaN])('stands down when the other operand holds %d, and keeps the dense NaNs', (bad) => {
    const x = image(32, 7);
    const w = seededFloats(16 * 784, 8);
    w[5 * 784 + 3] = bad; // row 5 of w: column 5 of the product meets pixel 3, which is 0 in every image
    const y = skipping.matmul(x, w, 32, 784, 16, false, true);
    expect(skipping.lastSkip()).toBe('dense');
    expect(sameBits(y, dense.matmul(x, w, 32, 784, 16, false, true))).toBe(true);
    expect(Number.isNaN(y[5])).toBe(true); // 0·±∞ and 0·NaN are NaN, as in the dense product
  });

  it('treats -0 as non-zero (only +0 is skipped) and still matches the dense bits', () => {
    const x = image(32, 9).map((v, i) => (v === 0 && i % 3 === 0 ? -0 : v));
    const w = seededFloats(16 * 784, 10);
    expect(sameBits(skipping.matmul(x, w, 32, 784, 16, false, true), dense.matmul(x, w, 32, 784, 16, false, true))).toBe(true);
  });
});

describe('chooseSkip', () => {
  // A fake census: per operand address, its +0 share (of the sampled floats) and whether it is finite.
  const census = (table: Record<number, [zeroShare: number, finite: boolean]>) => ({
    zeros: (ptr: number, floats: number) => Math.round(table[ptr][0] * sampledFloats(floats)),
    finite: (ptr: number) => (table[ptr][1] ? 1 : 0),
  });
  it('picks the sparser operand whose partner is finite, and dense below 40% zeros', () => {
    expect(chooseSkip(census({ 1: [0.8, true], 2: [0, true] }), 1, 1000, 2, 1000)).toBe(SPARSE_A);
    expect(chooseSkip(census({ 1: [0.7, true], 2: [0.9, true] }), 1, 1000, 2, 1000)).toBe(SPARSE_B);
    expect(chooseSkip(census({ 1: [0.9, true], 2: [0.7, false] }), 1, 1000, 2, 1000)).toBe(SPARSE_B);
    expect(chooseSkip(census({ 1: [0.9, false], 2: [0.1, false] }), 1, 1000, 2, 1000)).toBe(0);
    expect(chooseSkip(census({ 1: [0.39, true], 2: [0.39, true] }), 1, 1000, 2, 1000)).toBe(0);
  });
});

describe('the finite census kernel', () => {
  const bytes = encodeModule([finiteFunction()]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { finite } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { finite(ptr: number, floats: number): number };
  const heap = new Float32Array(memory.buffer);

  // Lengths cover the four-vector rounds, the single vectors after them and the scalar tail;
  // offsets cover a start that is not 64-byte aligned.
  it.each([Infinity, -Infinity, NaN])('finds %d at every position of every length to 70, and nothing in finite data', (bad) => {
    for (const start of [0, 4]) {
      for (let floats = 0; floats <= 70; floats++) {
        heap.set(seededFloats(floats, floats).map((v, i) => (i % 3 === 0 ? 0 : i % 5 === 0 ? -0 : v * 1e30)), start);
        expect(finite(4 * start, floats)).toBe(1);
        for (let at = 0; at < floats; at++) {
          const kept = heap[start + at];
          heap[start + at] = bad;
          expect(finite(4 * start, floats), `${bad} at ${at} of ${floats}`).toBe(0);
          heap[start + at] = kept;
        }
        // A bad value just past the end is not looked at.
        heap[start + floats] = bad;
        expect(finite(4 * start, floats)).toBe(1);
      }
    }
  });
});
