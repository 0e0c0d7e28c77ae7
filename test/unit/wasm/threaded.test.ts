/**
 * The threaded wasm matmul gives bitwise the single-thread kernel's result for 2 and 3 threads
 * (random shapes, ragged cache blocks, the MLP's shapes, every transposition and epilogue), really
 * shares the rows, keeps small products and idle backends off the workers, closes cleanly and
 * reports a failed worker instead of waiting for it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { BackendError, InvalidArgumentError } from '../../../src/core/errors.js';
import { encodeModule } from '../../../src/core/backend/wasm/emit.js';
import { createWasmMatmul, type WasmMatmul, type WasmMatmulBlocking, type WasmSimdFlavour } from '../../../src/core/backend/wasm/matmul.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createThreadedWasmMatmul, lineGranule, rowSchedule, type ThreadedWasmMatmul, type ThreadedWasmMatmulOptions } from '../../../src/core/backend/wasm/threaded.js';
import { browserWorkerSource, type ThreadSpawner } from '../../../src/core/backend/wasm/threads.js';
import { caseData, seededFloats, type MatmulCase } from './reference.js';

const spawner = nodeThreadSpawner();
const probe = spawner === undefined ? undefined : createThreadedWasmMatmul({ threads: 2, spawner });
if (probe === undefined) console.warn('threaded wasm matmul: no worker_threads, SIMD or shared memory here; its tests are skipped');
const flavours: readonly WasmSimdFlavour[] = probe === undefined ? [] : probe.flavour === 'relaxed-fma' ? ['relaxed-fma', 'mul-add'] : ['mul-add'];
void probe?.close();

const tinyBlocks: WasmMatmulBlocking = { mc: 8, kc: 5, nc: 16 };

/** A spawner that counts its workers, over the real one. */
function countingSpawner(): ThreadSpawner & { readonly spawned: () => number } {
  const real = spawner as ThreadSpawner;
  let count = 0;
  return { name: real.name, cores: real.cores, spawned: () => count, spawn: (init, onError) => (count++, real.spawn(init, onError)) };
}

function threaded(options: Partial<ThreadedWasmMatmulOptions> & { readonly threads: number }): ThreadedWasmMatmul {
  const kernel = createThreadedWasmMatmul({ spawner: spawner as ThreadSpawner, minParallelFlops: 0, ...options });
  if (kernel === undefined) throw new Error('threaded wasm matmul did not load');
  return kernel;
}

function run(kernel: WasmMatmul, c: MatmulCase): Float32Array {
  const data = caseData(c);
  const copies = [data.a.slice(), data.b.slice(), data.bias?.slice()];
  const epilogue = { ...(data.bias === undefined ? {} : { bias: data.bias }), relu: c.relu };
  const result = kernel.matmul(data.a, data.b, c.m, c.k, c.n, c.transA, c.transB, epilogue);
  expect([data.a, data.b, data.bias].map((x, i) => sameBits(x, copies[i]))).toEqual([true, true, true]);
  return result;
}

function sameBits(x: Float32Array | undefined, y: Float32Array | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  const [u, v] = [new Uint32Array(x.buffer, x.byteOffset, x.length), new Uint32Array(y.buffer, y.byteOffset, y.length)];
  return u.length === v.length && u.every((bits, index) => bits === v[index]);
}

const workerRows = (kernel: ThreadedWasmMatmul): number => kernel.rowsBySlot().slice(1).reduce((x, y) => x + y, 0);

const matmulCase = (maxSide: number): fc.Arbitrary<MatmulCase> => fc.record({
  m: fc.integer({ min: 1, max: maxSide }), k: fc.integer({ min: 1, max: maxSide }), n: fc.integer({ min: 1, max: maxSide }),
  transA: fc.boolean(), transB: fc.boolean(), bias: fc.boolean(), relu: fc.boolean(), seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const transpositions = [[false, false], [true, false], [false, true], [true, true]] as const;
const mlpShapes = [
  { name: '256×784 · (256×784)ᵀ', m: 256, k: 784, n: 256 },
  { name: '(256×256)ᵀ · 256×784', m: 256, k: 256, n: 784 },
  { name: '256×256 · 256×10', m: 256, k: 256, n: 10 },
  { name: '256×10 · 10×256', m: 256, k: 10, n: 256 },
  // n = 7: every tile crosses C's edge, so each thread leans on its own edge-tile scratch.
  { name: '1000×300 · 300×7', m: 1000, k: 300, n: 7 },
] as const;

describe.each(flavours)('threaded wasm matmul, %s', (flavour) => {
  const single = createWasmMatmul({ prefer: flavour }) as WasmMatmul;
  const singleTiny = createWasmMatmul({ prefer: flavour, blocking: tinyBlocks }) as WasmMatmul;
  const pools = [2, 3].map((threads) => threaded({ threads, prefer: flavour }));
  const tinyPools = [2, 3].map((threads) => threaded({ threads, prefer: flavour, blocking: tinyBlocks }));
  beforeAll(() => Promise.all([...pools, ...tinyPools].map((kernel) => kernel.ready())));
  afterAll(() => Promise.all([...pools, ...tinyPools].map((kernel) => kernel.close())));

  it('runs the flavour it was asked for', () => {
    expect(pools.map((kernel) => kernel.flavour)).toEqual([flavour, flavour]);
  });

  it('gives the single-thread bits on random shapes 1..70, every transposition and epilogue, 2 and 3 threads', () => {
    fc.assert(fc.property(matmulCase(70), (c) => {
      const expected = run(single, c);
      return pools.every((kernel) => sameBits(run(kernel, c), expected));
    }), { numRuns: 150 });
  });

  it('gives the single-thread bits when tiny cache blocks make every block boundary ragged', () => {
    fc.assert(fc.property(matmulCase(40), (c) => {
      const expected = run(singleTiny, c);
      return tinyPools.every((kernel) => sameBits(run(kernel, c), expected));
    }), { numRuns: 150 });
  });

  it.each(mlpShapes)('gives the single-thread bits on the shape $name, all transpositions and epilogues', ({ m, k, n }) => {
    for (const [transA, transB] of transpositions) {
      for (const epilogue of [false, true]) {
        const c = { m, k, n, transA, transB, bias: epilogue, relu: epilogue, seed: m + 3 * k + 7 * n };
        const expected = run(single, c);
        for (const kernel of pools) expect(sameBits(run(kernel, c), expected)).toBe(true);
      }
    }
  });

  it('really shares the rows: every worker runs some of them', () => {
    const c = { m: 256, k: 784, n: 256, transA: false, transB: true, bias: true, relu: true, seed: 1 };
    for (const kernel of pools) {
      const before = kernel.rowsBySlot();
      // Bounded: a worker starved by a busy machine for this long would be a failure worth seeing.
      for (let call = 0; call < 200 && kernel.rowsBySlot().some((rows, slot) => slot > 0 && rows === before[slot]); call++) run(kernel, c);
      expect(kernel.rowsBySlot().every((rows, slot) => slot === 0 || rows > (before[slot] ?? 0))).toBe(true);
    }
  });
});

describe.skipIf(flavours.length === 0)('threaded wasm matmul lifecycle', () => {
  it('keeps products under the threshold on the caller, and starts workers only for a large one', async () => {
    const counting = countingSpawner();
    const kernel = createThreadedWasmMatmul({ threads: 2, spawner: counting }) as ThreadedWasmMatmul;
    const small = { m: 256, k: 256, n: 10, transA: false, transB: false, bias: true, relu: true, seed: 3 };
    for (let call = 0; call < 5; call++) run(kernel, small);
    expect(counting.spawned()).toBe(0);
    expect(kernel.rowsBySlot()[1]).toBe(0);
    run(kernel, { ...small, k: 784, n: 256, transB: true });
    expect(counting.spawned()).toBe(1);
    await kernel.close();
  });

  it('closes idempotently, after which the caller computes alone and alike', async () => {
    const kernel = threaded({ threads: 2 });
    const c = { m: 64, k: 300, n: 72, transA: true, transB: false, bias: true, relu: false, seed: 11 };
    await kernel.ready();
    const before = run(kernel, c);
    await Promise.all([kernel.close(), kernel.close()]);
    const rows = kernel.rowsBySlot()[1];
    expect(sameBits(run(kernel, c), before)).toBe(true);
    expect(kernel.rowsBySlot()[1]).toBe(rows);
  });

  it('reports a worker that failed, rather than waiting for it forever', async () => {
    // A module with the right (shared) memory import but no `serve`: the bootstrap throws.
    const broken = new WebAssembly.Module(encodeModule([], { shared: { maximumPages: 65536 } }));
    const real = spawner as ThreadSpawner;
    const errors: unknown[] = [];
    const failing: ThreadSpawner = { ...real, spawn: (init, onError) => real.spawn({ ...init, module: broken }, (e) => { errors.push(e); onError(e); }) };
    const kernel = threaded({ threads: 2, spawner: failing });
    await expect(kernel.ready()).rejects.toThrow(BackendError);
    expect(() => run(kernel, { m: 64, k: 64, n: 64, transA: false, transB: false, bias: false, relu: false, seed: 2 })).toThrow(/worker failed/);
    await kernel.close();
    expect(String(errors[0])).toMatch(/serve/);
  });

  it('serves through the browser bootstrap too (its first message is the ThreadInit)', async () => {
    // A Node worker standing in for a browser one: the page-side glue would post `init` the same way.
    const { Worker } = await import('node:worker_threads');
    const asBrowser = `const { parentPort } = require('node:worker_threads');\n${browserWorkerSource}\nparentPort.once('message', (data) => onmessage({ data }));`;
    const threads: { join(): Promise<void> }[] = [];
    const browserLike: ThreadSpawner = {
      name: 'Worker (emulated)', cores: 2,
      spawn(init, onError) {
        const worker = new Worker(asBrowser, { eval: true });
        worker.on('error', onError);
        worker.postMessage(init);
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        const thread = { join: () => exited };
        threads.push(thread);
        return thread;
      },
    };
    const kernel = threaded({ threads: 2, spawner: browserLike });
    await kernel.ready();
    const c = { m: 256, k: 784, n: 256, transA: false, transB: true, bias: true, relu: false, seed: 5 };
    const expected = run(createWasmMatmul({ prefer: kernel.flavour }) as WasmMatmul, c);
    for (let call = 0; call < 200 && kernel.rowsBySlot()[1] === 0; call++) expect(sameBits(run(kernel, c), expected)).toBe(true);
    expect(kernel.rowsBySlot()[1]).toBeGreaterThan(0);
    await kernel.close();
    expect(threads).toHaveLength(1);
  });

  it('rejects a thread count below 2', () => {
    for (const threads of [1, 0, 2.5]) expect(() => threaded({ threads })).toThrow(InvalidArgumentError);
  });
});

describe('row schedule', () => {
  it('ends row blocks on cache lines of C: whole 64-byte lines between boundaries, from 4 rows up', () => {
    for (let rowBytes = 4; rowBytes <= 4096; rowBytes += 4) {
      const granule = lineGranule(rowBytes);
      expect(granule % 4).toBe(0);
      expect((granule * rowBytes) % 64).toBe(0);
      // The smallest such: no smaller multiple of 4 spans whole lines.
      for (let g = 4; g < granule; g += 4) expect((g * rowBytes) % 64).not.toBe(0);
    }
    expect(lineGranule(4)).toBe(16); // run as Cᵀ: a row of the product is a column of C
    expect(lineGranule(1024)).toBe(4);
  });

  it('covers every row once, in blocks of the granule (the last may be short) no larger than mc, shrinking', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 64 }).map((x) => 4 * x), fc.constantFrom(4, 8, 16),
      (m, threads, mc, granule) => {
        const starts = rowSchedule(m, threads, mc, granule);
        const step = granule <= mc ? granule : 4;
        expect(starts[0]).toBe(0);
        expect(starts[starts.length - 1]).toBe(m);
        const sizes = starts.slice(1).map((s, i) => s - starts[i]);
        sizes.forEach((size, i) => {
          expect(size).toBeGreaterThan(0);
          expect(size).toBeLessThanOrEqual(mc);
          if (i < sizes.length - 1) expect(size % step).toBe(0);
          if (i > 0 && i < sizes.length - 1) expect(size).toBeLessThanOrEqual(sizes[i - 1]);
        });
      },
    ));
  });

  it.skipIf(probe === undefined)('gives each thread whole cache lines of C when a product runs as Cᵀ (rows per thread in 16s)', async () => {
    // Workers that spin between jobs, so that they take part in these short back-to-back products.
    const kernel = createThreadedWasmMatmul({ threads: 2, spawner: spawner as ThreadSpawner, minParallelFlops: 0, zeroSkipMinFlops: 0, spins: { worker: 1_000_000 } });
    if (kernel === undefined) throw new Error('no threaded kernel');
    try {
      await kernel.ready();
      // dZᵀ·X with X mostly +0: X is op(B), so the product runs as Cᵀ, 784 rows of 4 bytes apart in C.
      const [k, m, n] = [128, 32, 784];
      const dz = seededFloats(k * m, 1);
      const x = seededFloats(k * n, 2).map((v, i) => (i % 5 === 0 ? v : 0));
      // At least 30 calls, and on until the worker has taken part (a busy machine may keep it late).
      for (let call = 0; call < 30 || (call < 300 && kernel.rowsBySlot()[1] === 0); call++) {
        const before = kernel.rowsBySlot();
        kernel.matmul(dz, x, m, k, n, true, false);
        expect(kernel.lastSkip()).toBe('b');
        kernel.rowsBySlot().forEach((rows, slot) => expect((rows - (before[slot] ?? 0)) % 16).toBe(0));
      }
      expect(kernel.rowsBySlot()[1]).toBeGreaterThan(0); // the worker did take part
    } finally {
      await kernel.close();
    }
  });
});
