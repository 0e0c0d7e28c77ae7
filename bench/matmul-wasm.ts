/**
 * GFLOP/s of the wasm SIMD matmul on the MLP's shapes and 1024³: every flavour this engine runs
 * on one thread, then 1 vs 2 threads, the small products that decide the threading threshold,
 * and how fast a worker answers a job (spinning vs asleep). Kernels are timed alternately
 * (A B A B …) after a warm-up so that machine noise hits both alike; reported are the median and
 * the quiet (10th-percentile time) rates, the load average and the worker's share of the rows.
 *
 *   npx tsc -p tsconfig.build.json && node --experimental-wasm-relaxed-simd dist/bench/matmul-wasm.js
 *   … dist/bench/matmul-wasm.js --threads  # only the threading sections
 *   … dist/bench/matmul-wasm.js --tune     # also sweep the cache blocking (mc, kc, nc)
 */
import { loadavg } from 'node:os';
import { createWasmMatmul, defaultBlocking, type WasmMatmul, type WasmMatmulBlocking } from '../src/core/backend/wasm/matmul.js';
import { nodeThreadSpawner } from '../src/core/backend/wasm/node-threads.js';
import { Control, controlBytes } from '../src/core/backend/wasm/parallel.js';
import { createWorkerPool } from '../src/core/backend/wasm/pool.js';
import { createThreadedWasmMatmul, defaultMinParallelFlops, defaultSpins, threadedModuleBytes, type ThreadedWasmMatmul } from '../src/core/backend/wasm/threaded.js';

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

/** Products around the threading threshold (the MLP's small backward products among them). */
const smallShapes: readonly Shape[] = [
  { name: 'dX₂ = dZ·W₂ 256×10 · 10×256', m: 256, k: 10, n: 256, transA: false, transB: false },
  { name: 'dW₂ = dZᵀ·H (256×10)ᵀ · 256×256', m: 10, k: 256, n: 256, transA: true, transB: false },
  { name: '64³', m: 64, k: 64, n: 64, transA: false, transB: false },
  { name: '128×128 · 128×64', m: 128, k: 128, n: 64, transA: false, transB: false },
  { name: '128³', m: 128, k: 128, n: 128, transA: false, transB: false },
  { name: '256×128 · 128×128', m: 256, k: 128, n: 128, transA: false, transB: false },
  { name: '256×256 · 256×64', m: 256, k: 256, n: 64, transA: false, transB: false },
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

interface Rates { readonly median: number; readonly quiet: number; readonly p90: number }

/** Times every kernel on one shape, alternating; GFLOP/s at the median, 10th and 90th percentile time. */
function measure(kernels: readonly WasmMatmul[], shape: Shape): Rates[] {
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
    return { median: gflops(quantile(sorted, 0.5)), quiet: gflops(quantile(sorted, 0.1)), p90: gflops(quantile(sorted, 0.9)) };
  });
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function kernelsFor(blocking: WasmMatmulBlocking): WasmMatmul[] {
  const best = createWasmMatmul({ blocking });
  if (best === undefined) return [];
  return best.flavour === 'relaxed-fma' ? [best, createWasmMatmul({ prefer: 'mul-add', blocking }) as WasmMatmul] : [best];
}

function flavours(kernels: readonly WasmMatmul[]): void {
  if (kernels.length === 1) console.log('relaxed SIMD unavailable (run node with --experimental-wasm-relaxed-simd); mul-add only');
  console.log(`blocking ${JSON.stringify(defaultBlocking)}; 1 thread, GFLOP/s median (quiet = 10th-percentile time)`);
  for (const shape of shapes) {
    const results = measure(kernels, shape);
    const cells = kernels.map((kernel, i) => `${kernel.flavour} ${results[i]?.median.toFixed(1)} (${results[i]?.quiet.toFixed(1)})`);
    console.log(`${shape.name.padEnd(34)} ${cells.join('   ')}`);
  }
}

/** Worker's share of the row tasks a kernel ran during `run`, as a percentage. */
function workerShare(kernel: ThreadedWasmMatmul, run: () => void): string {
  const before = kernel.rowsBySlot();
  run();
  const done = kernel.rowsBySlot().map((count, slot) => count - (before[slot] ?? 0));
  const total = done.reduce((x, y) => x + y, 0);
  return total === 0 ? 'no rows shared' : `workers ran ${((100 * (total - (done[0] ?? 0))) / total).toFixed(0)}% of rows`;
}

async function threads(single: WasmMatmul): Promise<void> {
  const spawner = nodeThreadSpawner();
  if (spawner === undefined) return console.log('\nno worker_threads here (Node ≥ 20.16 needed); threads not measured');
  const forced = createThreadedWasmMatmul({ threads: 2, spawner, prefer: single.flavour, minParallelFlops: 0 });
  if (forced === undefined) return console.log('\nno shared WebAssembly memory here; threads not measured');
  await forced.ready();
  const cell = (r: Rates | undefined): string => `${r?.median.toFixed(1)} (${r?.quiet.toFixed(1)}, p90 ${r?.p90.toFixed(1)})`;
  const table = (title: string, list: readonly Shape[]): void => {
    console.log(`\n${title}; load average before: ${load()}`);
    console.log(`${''.padEnd(34)} ${'1 thread'.padEnd(26)} ${'2 threads'.padEnd(26)} speed-up`);
    for (const shape of list) {
      let results: Rates[] = [];
      const share = workerShare(forced, () => { results = measure([single, forced], shape); });
      const speedup = (results[1]?.median ?? 0) / (results[0]?.median ?? 1);
      console.log(`${shape.name.padEnd(34)} ${cell(results[0]).padEnd(26)} ${cell(results[1]).padEnd(26)} ${speedup.toFixed(2)}×  (${share})`);
    }
    console.log(`load average after: ${load()} (2 cores; other processes share them)`);
  };
  console.log(`\n${single.flavour}, GFLOP/s median (quiet = 10th-percentile time, p90 = 90th); 2 threads forced to share every product`);
  table('1 vs 2 threads', shapes);
  table(`threshold: products below ${defaultMinParallelFlops / 1e6} MFLOP run on the caller alone by default`, smallShapes);
  await forced.close();
  await wakeLatency(spawner);
}

/** Time from opening a job to a worker claiming it, with the worker spinning vs asleep. */
async function wakeLatency(spawner: NonNullable<ReturnType<typeof nodeThreadSpawner>>): Promise<void> {
  const module = new WebAssembly.Module(threadedModuleBytes('mul-add'));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const words = new Int32Array(memory.buffer, 0, controlBytes(2) >> 2);
  const word = (field: keyof typeof Control): number => Control[field] >> 2;
  words[word('workerSpins')] = defaultSpins.worker; // a job with no tasks: joining is all it does
  const pool = createWorkerPool({ module, memory, words, threads: 2, spawner, callerSpins: defaultSpins.caller });
  await pool.ready();
  // From the caller opening the job (including its notify, which a sleeper makes expensive) to
  // the worker's claim, which bumps `next`.
  const latency = (): number => {
    Atomics.store(words, word('next'), 0);
    let claimed = 0;
    const start = performance.now();
    pool.run(() => {
      while (Atomics.load(words, word('next')) === 0);
      claimed = performance.now() - start;
    });
    return claimed * 1000;
  };
  const sample = async (gapMs: number): Promise<string> => {
    const list: number[] = [];
    for (let run = 0; run < 41; run++) {
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      list.push(latency());
    }
    const sorted = list.sort((x, y) => x - y);
    return `median ${quantile(sorted, 0.5).toFixed(1)} µs (p10 ${quantile(sorted, 0.1).toFixed(1)}, p90 ${quantile(sorted, 0.9).toFixed(1)})`;
  };
  console.log(`\nworker answering a job (spin budget ${defaultSpins.worker} polls):`);
  console.log(`  spinning (job right after the last): ${await sample(0)}`);
  console.log(`  asleep in wait32 (5 ms idle):        ${await sample(5)}`);
  await pool.close();
}

/** Sweeps cache blocking for the best flavour; the defaults in matmul.ts come from this. */
function tune(): void {
  console.log('\ntuning (best flavour, median GFLOP/s):');
  for (const kc of [128, 256, 384, 1024]) {
    for (const mc of [32, 64, 128, 256]) {
      for (const nc of [256, 4096]) {
        const blocking = { mc, kc, nc };
        const kernel = kernelsFor(blocking)[0] as WasmMatmul;
        const rates = shapes.map((shape) => (measure([kernel], shape)[0] as Rates).median.toFixed(1));
        console.log(`${JSON.stringify(blocking).padEnd(34)} ${rates.join('  ')}`);
      }
    }
  }
}

async function main(): Promise<void> {
  const kernels = kernelsFor(defaultBlocking);
  const single = kernels[0];
  if (single === undefined) return console.log('WebAssembly SIMD is unavailable in this engine; nothing to measure.');
  if (!process.argv.includes('--threads')) flavours(kernels);
  await threads(single);
  if (process.argv.includes('--tune')) tune();
}

await main();
