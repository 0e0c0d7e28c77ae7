/**
 * The wasm SIMD matmul against a float64 triple loop: random shapes (1..70 and tiny cache blocks
 * so every blocking edge is crossed), the MLP's shapes, all four transpositions, with and without
 * the fused bias/ReLU epilogue, for every flavour this engine runs.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ShapeError } from '../../../src/core/errors.js';
import { createWasmMatmul, wasmMatmulModuleBytes, type WasmMatmul, type WasmSimdFlavour } from '../../../src/core/backend/wasm/matmul.js';
import { wasmSparseModuleBytes } from '../../../src/core/backend/wasm/sparse-path.js';
import { caseData, referenceMatmul, relativeError, type MatmulCase } from './reference.js';

const tolerance = 1e-5;

const detected = createWasmMatmul();
if (detected === undefined) {
  console.warn('wasm matmul: WebAssembly SIMD is unavailable in this engine; its tests are skipped');
} else if (detected.flavour !== 'relaxed-fma') {
  console.warn('wasm matmul: relaxed SIMD is unavailable (Node 20 needs --experimental-wasm-relaxed-simd); testing mul-add only');
}
const flavours: readonly WasmSimdFlavour[] = detected === undefined ? [] : detected.flavour === 'relaxed-fma' ? ['relaxed-fma', 'mul-add'] : ['mul-add'];

function kernelFor(flavour: WasmSimdFlavour, blocking?: { mc: number; kc: number; nc: number }): WasmMatmul {
  const kernel = createWasmMatmul({ prefer: flavour, ...(blocking === undefined ? {} : { blocking }) });
  if (kernel === undefined || kernel.flavour !== flavour) throw new Error(`wasm matmul: flavour ${flavour} did not load`);
  return kernel;
}

/** Runs one case and returns its error; also checks that no input was written to. */
function errorOf(kernel: WasmMatmul, c: MatmulCase): number {
  const data = caseData(c);
  const copies = { a: data.a.slice(), b: data.b.slice(), bias: data.bias?.slice() };
  const epilogue = { ...(data.bias === undefined ? {} : { bias: data.bias }), relu: c.relu };
  const result = kernel.matmul(data.a, data.b, c.m, c.k, c.n, c.transA, c.transB, epilogue);
  expect(result.length).toBe(c.m * c.n);
  expect(firstChange(data.a, copies.a)).toBe(-1);
  expect(firstChange(data.b, copies.b)).toBe(-1);
  expect(firstChange(data.bias, copies.bias)).toBe(-1);
  return relativeError(result, referenceMatmul(c, data));
}

/** Index of the first bitwise difference, or -1 (toEqual on 200k-element arrays takes seconds). */
function firstChange(after: Float32Array | undefined, before: Float32Array | undefined): number {
  if (after === undefined || before === undefined) return after === before ? -1 : 0;
  const x = new Uint32Array(after.buffer, after.byteOffset, after.length);
  const y = new Uint32Array(before.buffer, before.byteOffset, before.length);
  if (x.length !== y.length) return 0;
  return x.findIndex((bits, index) => bits !== y[index]);
}

const matmulCase = (maxSide: number): fc.Arbitrary<MatmulCase> => fc.record({
  m: fc.integer({ min: 1, max: maxSide }),
  k: fc.integer({ min: 1, max: maxSide }),
  n: fc.integer({ min: 1, max: maxSide }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  bias: fc.boolean(),
  relu: fc.boolean(),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const transpositions = [[false, false], [true, false], [false, true], [true, true]] as const;

describe.each(flavours)('wasm matmul, %s', (flavour) => {
  const kernel = kernelFor(flavour);

  it('reports the flavour it was asked for', () => {
    expect(kernel.flavour).toBe(flavour);
  });

  it('matches float64 on random shapes 1..70, every transposition and epilogue', () => {
    fc.assert(fc.property(matmulCase(70), (c) => errorOf(kernel, c) < tolerance), { numRuns: 300 });
  });

  it('matches float64 when tiny cache blocks make every k, m and n block boundary ragged', () => {
    const blocked = kernelFor(flavour, { mc: 8, kc: 5, nc: 16 });
    fc.assert(fc.property(matmulCase(40), (c) => errorOf(blocked, c) < tolerance), { numRuns: 200 });
  });

  it.each([1, 3, 7, 10])('handles side %i in every position', (side) => {
    for (const [transA, transB] of transpositions) {
      for (const [m, k, n] of [[side, 9, 17], [13, side, 11], [5, 12, side], [side, side, side]] as const) {
        expect(errorOf(kernel, { m, k, n, transA, transB, bias: true, relu: true, seed: side * 7 + m })).toBeLessThan(tolerance);
      }
    }
  });

  // The lecture's MLP (batch 256, 784 → 256 → 10): forward x·wᵀ, dW = dYᵀ·x, and the logits layer.
  const mlpShapes = [
    { name: '256×784 · (256×784)ᵀ', m: 256, k: 784, n: 256, transA: false, transB: true },
    { name: '(256×256)ᵀ · 256×784', m: 256, k: 256, n: 784, transA: true, transB: false },
    { name: '256×256 · 256×10', m: 256, k: 256, n: 10, transA: false, transB: false },
  ] as const;
  it.each(mlpShapes)('matches float64 on the MLP shape $name, all transpositions', ({ m, k, n }) => {
    for (const [transA, transB] of transpositions) {
      for (const epilogue of [false, true]) {
        const c = { m, k, n, transA, transB, bias: epilogue, relu: epilogue, seed: m + k + n };
        expect(errorOf(kernel, c)).toBeLessThan(tolerance);
      }
    }
  }, 60_000); // the float64 reference takes seconds here, the kernel milliseconds

  it('handles 784 = 3·256 + 16 as k and as a ragged n, across memory growth', () => {
    const c = { m: 7, k: 784, n: 785, transA: false, transB: true, bias: true, relu: false, seed: 5 };
    expect(errorOf(kernel, c)).toBeLessThan(tolerance);
    expect(errorOf(kernel, { ...c, m: 3, k: 2, n: 1 })).toBeLessThan(tolerance); // smaller after larger
  });

  it('returns a fresh array that later calls do not overwrite', () => {
    const first = kernel.matmul(new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1, false, false);
    const copy = first.slice();
    kernel.matmul(new Float32Array([5, 6]), new Float32Array([7, 8]), 1, 2, 1, false, false);
    expect(first).toEqual(copy);
    expect(first.buffer.byteLength).toBe(4);
    expect(Array.from(first)).toEqual([11]);
  });

  it('computes exact small products, bias and ReLU', () => {
    // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]; bias [-20, 0]; ReLU clips the -1.
    const y = kernel.matmul(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2, false, false,
      { bias: new Float32Array([-20, 0]), relu: true });
    expect(Array.from(y)).toEqual([0, 22, 23, 50]);
  });

  it('rejects inputs whose length does not match the shape', () => {
    expect(() => kernel.matmul(new Float32Array(5), new Float32Array(6), 2, 3, 2, false, false)).toThrow(ShapeError);
    expect(() => kernel.matmul(new Float32Array(6), new Float32Array(6), 2, 3, 2, false, false, { bias: new Float32Array(3) })).toThrow(ShapeError);
    expect(() => kernel.matmul(new Float32Array(0), new Float32Array(0), 0, 3, 2, false, false)).toThrow(ShapeError);
  });
});

describe('wasm matmul module', () => {
  it('kernel sources use no Node-only API, so a browser loads the same modules (only the node-*.ts seams may)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const folder = new URL('../../../src/core/backend/wasm/', import.meta.url);
    const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.startsWith('node-'));
    expect(readdirSync(folder).filter((name) => name.startsWith('node-'))).toEqual(['node-threads.ts']);
    expect(sources).toEqual(expect.arrayContaining(['matmul.ts', 'sparse-rows.ts', 'sparse-path.ts', 'zero-skip.ts', 'elementwise.ts', 'adam.ts', 'arena.ts', 'cross-entropy.ts']));
    for (const name of sources) {
      const text = readFileSync(new URL(name, folder), 'utf8');
      // Module imports only: threads.ts holds a Node worker's source as a string, which is fine.
      expect({ name, nodeImports: text.match(/^import[^;]*from ['"]node:|import\(['"]node:|^\s*(const|let)[^=]*= *require\(|getBuiltinModule/gm) ?? [] }).toEqual({ name, nodeImports: [] });
    }
  });

  it.each(['relaxed-fma', 'mul-add'] as const)('%s fits the 4 KB browsers compile synchronously on the main thread', (flavour) => {
    expect(wasmMatmulModuleBytes(flavour).length).toBeLessThan(4096);
    expect(wasmSparseModuleBytes(flavour).length).toBeLessThan(4096); // the zero-skipping kernels, compiled apart
  });

  it('prefer: mul-add gives mul-add even where relaxed SIMD exists', () => {
    if (detected === undefined) return console.warn('wasm matmul: no SIMD, nothing to prefer');
    expect(createWasmMatmul({ prefer: 'mul-add' })?.flavour).toBe('mul-add');
  });
});
