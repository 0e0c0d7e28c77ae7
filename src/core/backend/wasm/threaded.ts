/**
 * The threaded WebAssembly SIMD matmul: the calling thread and `threads − 1` workers share ONE
 * WebAssembly.Memory and split C by blocks of rows (parallel.ts: the task protocol, in wasm;
 * pool.ts: the workers). The call stays synchronous. Every element of C gets the same operations
 * in the same order as in the single-thread kernel (matmul.ts), so results are bitwise identical
 * whatever the thread count; products too small to pay for the hand-off run on the caller alone,
 * in the single-thread kernel.
 *
 * @example
 * const spawner = nodeThreadSpawner();
 * const kernel = spawner && createThreadedWasmMatmul({ threads: 2, spawner });
 * const y = kernel?.matmul(x, w, 256, 784, 256, false, true, { bias: b, relu: true }); // 256×256
 * await kernel?.close();
 */
import { BackendError, InvalidArgumentError } from '../../errors.js';
import { zeroFilled, type Allocate } from '../copy-out.js';
import { adamFunction, type AdamHome, type AdamSweep } from './adam.js';
import { createArena, type Arena } from './arena.js';
import { encodeModule } from './emit.js';
import { ADD_BIAS, APPLY_RELU, SCRATCH_BYTES, gemmBlockFunction, type WasmSimdFlavour } from './kernel.js';
import {
  checkBlocking, checkShapes, createWasmMatmul, defaultBlocking, growMemory, operandCache, roundUp, skipName, taker, zeroSkipFlops,
  type Operands, type WasmMatmul, type WasmMatmulBlocking, type WasmMatmulOptions, type ZeroSkip,
} from './matmul.js';
import { packFunction } from './pack.js';
import { PANEL_SLACK_COLUMNS, csrFunction, listBytes, rowTileFunction, sparseRowsFunction } from './sparse-rows.js';
import { SPARSE_A, chooseSkip, finiteFunction, zerosFunction, type Census } from './zero-skip.js';
import { AdamArgs, Control, controlBytes, serveFunction, slotCounterBytes, workFunction, type ControlField } from './parallel.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import type { ThreadSpawner } from './threads.js';

export interface ThreadedWasmMatmul extends WasmMatmul {
  /** Threads that share a large product, the caller included. */
  readonly threads: number;
  /** Resolves once every worker is up (spawning them now if no large product has yet). */
  ready(): Promise<void>;
  /** Stops and joins the workers; later calls run on the calling thread alone. Idempotent. */
  close(): Promise<void>;
  /** Rows of C each thread has computed (index 0: the caller). @internal For tests and benchmarks. */
  rowsBySlot(): number[];
  /**
   * @internal With `arenaBytes`: arenas in the shared memory (arena.ts), one for Adam's results
   * (with Adam's sweep over it) and one for large uploads. Products read their live arrays where
   * they are, without copying or placing them.
   */
  readonly home: ThreadedHome | undefined;
}

/** @internal */
export interface ThreadedHome extends AdamHome {
  readonly uploads: Arena;
  readonly results: Arena;
}

/**
 * Busy-wait budgets, in polls (a worker's poll takes ~1.5 ns once optimised, so 10,000 ≈ 15 µs).
 * Short on purpose. Measured here: a spinning worker answers in 0.3 µs, a sleeping one in 25-35 µs;
 * yet products separated by other work (a training step) ran as fast with 10,000 polls as with
 * 300,000, while with the other core busy the long spin made them 20% slower: it burns the time
 * slice the other thread needed. @internal
 */
export interface SpinLimits {
  /** A worker's polls for the next job after finishing one, before it sleeps. */
  readonly worker: number;
  /** A row task's polls for its packed B block before it sleeps. */
  readonly ready: number;
  /** The caller's polls for the workers to leave a job before it sleeps. */
  readonly caller: number;
}

export const defaultSpins: SpinLimits = { worker: 10_000, ready: 20_000, caller: 10_000 };

/**
 * Below this many flops (2·m·k·n) a product runs on the caller alone. Measured with the other core
 * free: 2 threads gave 0.9× on 256×256·256×10 (1.3 MFLOP), 0.95× on 128×128·128×64 (2.1), 1.2× on
 * 128³ (4.2), 1.4× on 8.4 MFLOP and 1.8× on the MLP's 103 MFLOP products. @internal
 */
export const defaultMinParallelFlops = 4_000_000;

export interface ThreadedWasmMatmulOptions extends WasmMatmulOptions {
  /** Threads sharing a large product, the caller included: at least 2. */
  readonly threads: number;
  readonly spawner: ThreadSpawner;
  /** @internal Threading threshold override (0: share every product with ≥ 2 row blocks). */
  readonly minParallelFlops?: number;
  /** @internal Busy-wait budgets, for the benchmark. */
  readonly spins?: Partial<SpinLimits>;
  /** @internal Bytes of the shared memory kept for each of `home`'s three arenas; default 0 (none). */
  readonly arenaBytes?: number;
  /**
   * @internal Where shared products' results go (default: `allocate`). When it hands out a live
   * array of `home.results`, the product is computed right there and nothing is copied out.
   */
  readonly allocateResult?: Allocate;
}

/** Adam sweeps from this many bytes (the MLP's W1: 800 KB) are shared, in chunks of adamChunkBytes. */
const minParallelAdamBytes = 256 * 1024;
const adamChunkBytes = 64 * 1024;

/** Columns of op(B) per packing task: 64 columns × 256 k = 64 KB, small enough to spread. */
const chunkColumns = 64;
/** wasm32's whole address space; a shared memory must declare its maximum up front. */
const maximumPages = 65536;

/** The threaded module: the kernels plus `work` and `serve`, importing a shared memory. @internal */
export function threadedModuleBytes(flavour: WasmSimdFlavour): Uint8Array<ArrayBuffer> {
  return encodeModule(
    [
      gemmBlockFunction(flavour), packFunction(4), packFunction(8),
      workFunction({ gemmBlock: 0, pack4: 1, pack8: 2, csr: 5, sparseRows: 6, adam: 10 }), serveFunction(3),
      csrFunction(), sparseRowsFunction(7), rowTileFunction(flavour), zerosFunction(), finiteFunction(), adamFunction(),
    ],
    { shared: { maximumPages } },
  );
}

/**
 * A threaded kernel, or undefined where WebAssembly SIMD, threads or SharedArrayBuffer are
 * missing (e.g. a page that is not cross-origin isolated). Flavour detection as createWasmMatmul.
 */
export function createThreadedWasmMatmul(options: ThreadedWasmMatmulOptions): ThreadedWasmMatmul | undefined {
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 2) {
    throw new InvalidArgumentError('threaded wasm matmul', `expected threads to be an integer ≥ 2, got ${threads}`);
  }
  if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') return undefined;
  const order: readonly WasmSimdFlavour[] = options.prefer === 'mul-add' ? ['mul-add'] : ['relaxed-fma', 'mul-add'];
  for (const flavour of order) {
    const bytes = threadedModuleBytes(flavour);
    if (WebAssembly.validate(bytes)) return instantiate(flavour, new WebAssembly.Module(bytes), options);
  }
  return undefined;
}

// Stops the workers of a kernel nobody can call any more. Module-level because a registry only
// fires while it is itself alive; it holds no state that any result depends on.
const orphanedPools = new FinalizationRegistry<WorkerPool>((pool) => void pool.close());

function instantiate(flavour: WasmSimdFlavour, module: WebAssembly.Module, options: ThreadedWasmMatmulOptions): ThreadedWasmMatmul {
  const { threads, spawner } = options;
  const blocking = options.blocking ?? defaultBlocking;
  checkBlocking(blocking);
  const spins = { ...defaultSpins, ...options.spins };
  const minParallelFlops = options.minParallelFlops ?? defaultMinParallelFlops;
  const fixed = planFixed(threads, blocking);
  // The arenas sit between the fixed areas and the operands, which alone grow the memory.
  const arenaBytes = roundUp(options.arenaBytes ?? 0, 64);
  const arenaBase = roundUp(fixed.end, 64);
  const operandsStart = arenaBase + 3 * arenaBytes;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(operandsStart / 65536), maximum: maximumPages, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as Census & { work(control: number, slot: number): void; adam: AdamSweep };
  const arenas = arenaBytes === 0 ? [] : [0, 1, 2].map((i) => createArena(arenaBytes, { memory, base: arenaBase + i * arenaBytes }) as Arena);
  const homeOf = (x: Float32Array, floats: number): number | undefined => {
    for (const arena of arenas) {
      const at = arena.regionOf('matmul', x, floats)?.at;
      if (at !== undefined) return at;
    }
    return undefined;
  };
  const { work } = exports;
  const skipFlops = zeroSkipFlops(options);
  const cache = operandCache(options.residentOperands === true);
  const allocate = options.allocate ?? zeroFilled;
  const allocateResult = options.allocateResult ?? allocate;
  const census = cache.census(exports);
  let lastSkip: ZeroSkip = 'dense';
  const words = new Int32Array(memory.buffer, 0, controlBytes(threads) >> 2); // never moves; valid across grows
  const set = (field: ControlField, value: number): void => {
    words[Control[field] >> 2] = value;
  };
  set('workerSpins', spins.worker);
  set('readySpins', spins.ready);
  const pool = createWorkerPool({ module, memory, words, threads, spawner, callerSpins: spins.caller });
  // Products that are not shared go to the single-thread kernel: same bits (the tests prove it),
  // and copies into a non-shared memory run twice as fast (V8 copies into shared ones relaxed-atomically).
  const alone = createWasmMatmul({ ...options, prefer: flavour, blocking });
  if (alone?.flavour !== flavour) throw new BackendError('threaded wasm matmul', `expected the single-thread kernel in flavour ${flavour}, got ${alone?.flavour}`);

  /**
   * Adam's sweep (adam.ts's arguments), shared with the workers in 64 KB chunks when it is large:
   * its arrays are in this memory (the arena), so there is nothing to copy.
   */
  const sweepAdam = (args: readonly number[]): void => {
    const bytes = args[7];
    if (bytes < minParallelAdamBytes || !pool.isOpen()) {
      exports.adam(...args);
      return;
    }
    const at = fixed.adamArgs;
    new Int32Array(memory.buffer, at, 7).set(args.slice(0, 7));
    new Int32Array(memory.buffer, at + AdamArgs.bytes, 2).set([bytes, adamChunkBytes]);
    new Float32Array(memory.buffer, at + AdamArgs.scalars, 7).set(args.slice(8, 15));
    set('adamArgs', at);
    set('kind', 1);
    set('tasks', Math.ceil(bytes / adamChunkBytes));
    Atomics.store(words, Control.next >> 2, 0); // before the job opens: pool.run's store of `job` publishes it all
    try {
      pool.run(() => work(0, 0));
    } finally {
      set('kind', 0);
    }
  };

  const kernel: ThreadedWasmMatmul = {
    flavour,
    threads,
    ready: () => pool.ready(),
    close: () => pool.close(),
    lastSkip: () => lastSkip,
    rowsBySlot: () => Array.from({ length: threads }, (_, slot) => Atomics.load(words, (Control.rowsBySlot + slot * slotCounterBytes) >> 2)),
    home: arenas.length === 0 ? undefined : { arena: arenas[0], uploads: arenas[1], results: arenas[2], sweep: (...args) => sweepAdam(args) },
    matmul(a, b, m, k, n, transA, transB, epilogue) {
      checkShapes(a, b, m, k, n, epilogue?.bias);
      if (2 * m * k * n < minParallelFlops || !pool.isOpen() || rowSchedule(Math.max(m, n), threads, blocking.mc).length < 3) {
        const result = alone.matmul(a, b, m, k, n, transA, transB, epilogue);
        lastSkip = alone.lastSkip();
        return result;
      }
      const { operands, copyA, copyB } = cache.place(operandsStart, a, b, m, k, n, homeOf);
      // The result is computed where it is handed out when that is one of the arenas.
      const out = allocateResult(m * n);
      const outAt = homeOf(out, m * n);
      growMemory(memory, operands.end);
      const heap = new Float32Array(memory.buffer);
      if (copyA) heap.set(a, operands.a >> 2);
      if (copyB) heap.set(b, operands.b >> 2);
      if (epilogue?.bias !== undefined) heap.set(epilogue.bias, operands.bias >> 2);

      // Byte strides of op(A)[i, p] and op(B)[p, j], as in matmul.ts.
      const aStrides = [4 * (transA ? m : 1), 4 * (transA ? 1 : k)] as const;
      const bStrides = [4 * (transB ? 1 : n), 4 * (transB ? k : 1)] as const;
      const skip = 2 * m * k * n >= skipFlops ? chooseSkip(census, operands.a, m * k, operands.b, k * n) : 0;
      lastSkip = skipName(skip);
      // The product as run: a sparse op(B) runs as Cᵀ = op(B)ᵀ·op(A)ᵀ (see matmul.ts).
      const swap = skip !== 0 && skip !== SPARSE_A;
      const [rows, columns] = swap ? [n, m] : [m, n];
      const [[aAt, aStrideK, aStrideW], [bAt, bStrideK, bStrideW]] = swap
        ? [[operands.b, ...bStrides], [operands.a, ...aStrides]] : [[operands.a, ...aStrides], [operands.b, ...bStrides]];
      const [cRow, cColumn, biasRow, biasColumn] = swap ? [4, 4 * n, 4, 0] : [4 * n, 4, 0, 4];
      // Row blocks only change who computes an element, never how: any split gives the same bits.
      // Blocks end on cache-line boundaries of C where mc allows: run as Cᵀ, a block of rows is a
      // block of C's columns, and two threads writing neighbouring blocks that share a line in
      // every row of C made dW1 = dZᵀ·X take 0.56-0.64 ms instead of 0.40 in half the runs.
      const rowStarts = rowSchedule(rows, threads, blocking.mc, lineGranule(cRow));
      const rowTasks = rowStarts.length - 1;
      const layout = planJob(operands, k, columns, skip !== 0, rowStarts.length, blocking);
      growMemory(memory, layout.end);
      new Int32Array(memory.buffer, layout.rowStarts, rowStarts.length).set(rowStarts);
      const kBlocks = Math.ceil(k / blocking.kc);
      const fields: { readonly [F in ControlField]?: number } = {
        k, kcBlock: blocking.kc, rowStarts: layout.rowStarts, a: aAt, bPack: layout.bPack, ready: layout.ready,
        aPackBase: fixed.aPack, aPackStride: fixed.aPackStride, scratchBase: fixed.scratch,
        aStrideK, aStrideW, bStrideK, bStrideW, chunkColumns,
        finalFlags: (epilogue?.bias !== undefined ? ADD_BIAS : 0) | (epilogue?.relu === true ? APPLY_RELU : 0),
        sparse: skip === 0 ? 0 : 1, listStride: listBytes(blocking.kc), listsBase: fixed.lists, listsSlotStride: fixed.listsStride,
        cRow, cColumn, biasRow, biasColumn,
      };
      for (const [field, value] of Object.entries(fields)) set(field as ControlField, value);

      for (let jc = 0; jc < columns; jc += blocking.nc) {
        const nc = Math.min(blocking.nc, columns - jc);
        const chunks = Math.ceil(nc / chunkColumns);
        set('nc', nc);
        set('ncRounded', roundUp(nc, 8));
        set('chunks', chunks);
        set('packTasks', kBlocks * chunks);
        set('tasks', kBlocks * chunks + rowTasks);
        set('b', bAt + jc * bStrideW);
        set('bias', layout.bias + jc * biasColumn);
        set('c', (outAt ?? layout.c) + jc * cColumn);
        new Int32Array(memory.buffer, layout.ready, kBlocks).fill(0);
        Atomics.store(words, Control.next >> 2, 0); // before the job opens: pool.run's store of `job` publishes it all
        pool.run(() => work(0, 0));
      }
      if (outAt === undefined) out.set(new Float32Array(memory.buffer, layout.c, m * n)); // a fresh view: the memory may have grown
      return out;
    },
  };
  orphanedPools.register(kernel, pool);
  return kernel;
}

/**
 * Row task boundaries, [0, …, m]: tasks shrink as the rows run out (a 1/(2·threads) share of the
 * remaining rows each, a multiple of `granule` (itself a multiple of 4) between it and
 * blocking.mc, or of 4 where mc is smaller than the granule), so whichever thread runs last,
 * slowed perhaps by a busy core, holds a small task and the others wait little for it.
 * @internal (exported for tests)
 */
export function rowSchedule(m: number, threads: number, mcMax: number, granule = 4): number[] {
  const step = granule <= mcMax ? granule : 4;
  const cap = mcMax - (mcMax % step);
  const starts = [0];
  for (let at = 0; at < m;) {
    at = Math.min(m, at + Math.max(step, Math.min(cap, roundUp(Math.ceil((m - at) / (2 * threads)), step))));
    starts.push(at);
  }
  return starts;
}

/**
 * Rows per cache line boundary: the smallest multiple of 4 rows whose span of C, at `rowBytes`
 * apart, is a whole number of 64-byte lines (C starts on a line). 16 when run as Cᵀ (rows 4
 * bytes apart), 4 for the MLP's 1 KB rows. @internal (exported for tests)
 */
export function lineGranule(rowBytes: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const rows = 64 / gcd(rowBytes, 64);
  return (4 * rows) / gcd(4, rows);
}

/** Control block at 0, then each thread's edge-tile scratch, A-panel buffer and row lists. */
interface FixedLayout {
  readonly scratch: number; readonly aPack: number; readonly aPackStride: number;
  readonly lists: number; readonly listsStride: number; readonly adamArgs: number; readonly end: number;
}

function planFixed(threads: number, blocking: WasmMatmulBlocking): FixedLayout {
  const scratch = roundUp(controlBytes(threads), 64);
  const aPack = roundUp(scratch + threads * SCRATCH_BYTES, 64);
  const aPackStride = roundUp(4 * blocking.mc * blocking.kc, 64);
  const lists = aPack + threads * aPackStride;
  const listsStride = roundUp(blocking.mc * listBytes(blocking.kc), 64);
  const adamArgs = lists + threads * listsStride;
  return { scratch, aPack, aPackStride, lists, listsStride, adamArgs, end: adamArgs + AdamArgs.size };
}

/** The job's operands, then the whole packed op(B) of one column block (every k block at once). */
interface JobLayout extends Operands {
  readonly bPack: number; readonly ready: number; readonly rowStarts: number;
}

/** After the operands: B packed for `columns` of the product as run, the ready counters and the row schedule. */
function planJob(operands: Operands, k: number, columns: number, sparse: boolean, rowStarts: number, blocking: WasmMatmulBlocking): JobLayout {
  const { take, end } = taker(operands.end);
  // The sparse path's tiles read PANEL_SLACK_COLUMNS past the last block's panels.
  const bPack = take(4 * (roundUp(Math.min(columns, blocking.nc), 8) * k + (sparse ? PANEL_SLACK_COLUMNS * blocking.kc : 0)));
  const ready = take(4 * Math.ceil(k / blocking.kc));
  const starts = take(4 * rowStarts);
  return { ...operands, bPack, ready, rowStarts: starts, end: end() };
}
