/**
 * GFLOP/s of the wasm SIMD matmul on the MLP's shapes and 1024³, for every flavour this engine
 * runs. Flavours are timed alternately (A B A B …) after a warm-up so that machine noise hits both
 * alike; reported are the median and the quiet (10th-percentile time) rates.
 *
 *   npx tsc -p tsconfig.build.json && node --experimental-wasm-relaxed-simd dist/bench/matmul-wasm.js
 *   … dist/bench/matmul-wasm.js --tune   # also sweep the cache blocking (mc, kc, nc)
 */
import { createWasmMatmul, defaultBlocking, type WasmMatmul, type WasmMatmulBlocking } from '../src/core/backend/wasm/matmul.js';

interface Shape {
  readonly name: string;
  readonly m: number; readonly k: number; readonly n: number;
  readonly transA: boolean; readonly transB: boolean;
}

const shapes: readonly Shape[] = [
  { name: 'X·Wᵀ 256×784 · (256×784)ᵀ', m: 256, k: 784, n: 256, transA: false, transB: true },
  { name: 'dW = dYᵀ·X (256×256)ᵀ · 256×784', m: 256, k: 256, n: 784, transA: true, transB: false },
  { name: '256×256 · 256×10', m: 256, k: 256, n: 10, transA: false, transB: false },
  { name: '1024³', m: 1024, k: 1024, n: 1024, transA: false, transB: false },
];

const warmupSeconds = 0.5;
const minRuns = 21;
const minSeconds = 1.5;

function randomFloats(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Times every kernel on one shape, alternating; returns [median, quiet] GFLOP/s per kernel. */
function measure(kernels: readonly WasmMatmul[], shape: Shape): (readonly [number, number])[] {
  const { m, k, n, transA, transB } = shape;
  const a = randomFloats(m * k, 1);
  const b = randomFloats(k * n, 2);
  const bias = randomFloats(n, 3);
  const call = (kernel: WasmMatmul): number => {
    const start = performance.now();
    kernel.matmul(a, b, m, k, n, transA, transB, { bias, relu: true });
    return performance.now() - start;
  };
  for (const kernel of kernels) {
    // Warm-up: V8 compiles wasm with Liftoff first and tiers up hot functions to TurboFan.
    for (let spent = 0; spent < warmupSeconds * 1000;) spent += call(kernel);
  }
  const times = kernels.map((): number[] => []);
  for (let run = 0, total = 0; run < minRuns || total < minSeconds * 1000; run++) {
    kernels.forEach((kernel, index) => {
      const ms = call(kernel);
      times[index]?.push(ms);
      total += ms;
    });
  }
  const gflops = (ms: number): number => (2 * m * k * n) / (ms * 1e6);
  return times.map((list) => {
    const sorted = [...list].sort((x, y) => x - y);
    return [gflops(quantile(sorted, 0.5)), gflops(quantile(sorted, 0.1))] as const;
  });
}

function kernelsFor(blocking: WasmMatmulBlocking): WasmMatmul[] {
  const best = createWasmMatmul({ blocking });
  if (best === undefined) return [];
  return best.flavour === 'relaxed-fma' ? [best, createWasmMatmul({ prefer: 'mul-add', blocking }) as WasmMatmul] : [best];
}

function main(): void {
  const kernels = kernelsFor(defaultBlocking);
  if (kernels.length === 0) {
    console.log('WebAssembly SIMD is unavailable in this engine; nothing to measure.');
    return;
  }
  if (kernels.length === 1) console.log('relaxed SIMD unavailable (run node with --experimental-wasm-relaxed-simd); mul-add only');
  console.log(`blocking ${JSON.stringify(defaultBlocking)}; GFLOP/s median (quiet = 10th-percentile time)`);
  for (const shape of shapes) {
    const results = measure(kernels, shape);
    const cells = kernels.map((kernel, i) => `${kernel.flavour} ${results[i]?.[0].toFixed(1)} (${results[i]?.[1].toFixed(1)})`);
    console.log(`${shape.name.padEnd(34)} ${cells.join('   ')}`);
  }
  if (process.argv.includes('--tune')) tune();
}

/** Sweeps cache blocking for the best flavour; the defaults in matmul.ts come from this. */
function tune(): void {
  console.log('\ntuning (best flavour, median GFLOP/s):');
  for (const kc of [128, 256, 384, 1024]) {
    for (const mc of [32, 64, 128, 256]) {
      for (const nc of [256, 4096]) {
        const blocking = { mc, kc, nc };
        const kernel = kernelsFor(blocking)[0] as WasmMatmul;
        const rates = shapes.map((shape) => (measure([kernel], shape)[0] as readonly [number, number])[0].toFixed(1));
        console.log(`${JSON.stringify(blocking).padEnd(34)} ${rates.join('  ')}`);
      }
    }
  }
}

main();
