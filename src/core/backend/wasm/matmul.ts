/**
 * Single-threaded WebAssembly SIMD float32 matmul, C = op(A)·op(B) (+ bias) (then ReLU), with the
 * module emitted from TypeScript at run time (see emit.ts) and no Node-only API, so it runs in
 * Node 20 and in browsers alike.
 *
 * Structure (BLIS, per KERNELS.md): for each kc×nc block of op(B), pack it into 8-column panels;
 * for each mc×kc block of op(A), pack it into 4-row panels; then gemmBlock sweeps 4×8 tiles of C.
 * Transposition only changes the strides the packers read with. A product with a mostly-zero
 * operand takes the sparse-rows path instead (zero-skip.ts chooses, sparse-path.ts runs it): the
 * same results, bit for bit. threaded.ts shares the same kernels between threads and must give
 * this file's results bit for bit.
 *
 * @example
 * const kernel = createWasmMatmul();
 * if (kernel !== undefined) {
 *   // x: 256×784, w: 256×784 (PyTorch layout) → y = relu(x·wᵀ + b): 256×256
 *   const y = kernel.matmul(x, w, 256, 784, 256, false, true, { bias: b, relu: true });
 * }
 */
import { BackendError, ShapeError } from '../../errors.js';
import { copyOut, zeroFilled, type Allocate } from '../copy-out.js';
import { encodeModule } from './emit.js';
import { ACCUMULATE, ADD_BIAS, APPLY_RELU, SCRATCH_BYTES, SCRATCH_TILE, gemmBlockFunction, type WasmSimdFlavour } from './kernel.js';
import { packFunction } from './pack.js';
import { SPARSE_A, SPARSE_B, chooseSkip, minSkipFlops, type Census } from './zero-skip.js';
import { PANEL_SLACK_COLUMNS, listBytes } from './sparse-rows.js';
import { runSparseRows, sparseRowBlock, wasmSparseModuleBytes, type SparseExports } from './sparse-path.js';

export type { WasmSimdFlavour } from './kernel.js';

export interface WasmMatmul {
  readonly flavour: WasmSimdFlavour;
  /**
   * C = op(A) · op(B) (+ bias per column) (then ReLU if relu). A is m×k after op (stored k×m when
   * transA), B is k×n after op (stored n×k when transB), bias has n entries. Row-major. Returns a
   * NEW Float32Array of m*n; never writes to a, b or bias.
   */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number,
         transA: boolean, transB: boolean,
         epilogue?: { readonly bias?: Float32Array; readonly relu?: boolean }): Float32Array;
  /**
   * Which operand's zeros the last product skipped ('a', 'b') or 'dense'. @internal For tests and
   * benchmarks: results are bitwise the same either way.
   */
  lastSkip(): ZeroSkip;
}

export type ZeroSkip = 'a' | 'b' | 'dense';

/** @internal */
export const skipName = (skip: number): ZeroSkip => (skip === SPARSE_A ? 'a' : skip === SPARSE_B ? 'b' : 'dense');

/** Cache blocking in elements. mc multiple of 4, nc multiple of 8. @internal (for tuning) */
export interface WasmMatmulBlocking {
  readonly mc: number;
  readonly kc: number;
  readonly nc: number;
}

/** Measured in bench/matmul-wasm.ts on the project's machine (AMD EPYC, Node 20). */
export const defaultBlocking: WasmMatmulBlocking = { mc: 64, kc: 256, nc: 4096 };

export interface WasmMatmulOptions {
  /**
   * 'mul-add' forces the portable flavour (for tests and comparisons). 'relaxed-fma' (the default)
   * is a wish: where relaxed SIMD does not validate, the kernel falls back to mul-add, and
   * `flavour` on the result says which one runs.
   */
  readonly prefer?: WasmSimdFlavour;
  /**
   * Run products with a mostly-zero operand on the sparse-rows path, which steps only over its
   * non-zeros (zero-skip.ts; default true). Results are bitwise the same; false measures the
   * dense kernel alone.
   */
  readonly zeroSkip?: boolean;
  /** @internal Smallest product (2·m·k·n flops) that gets a census; tests lower it. */
  readonly zeroSkipMinFlops?: number;
  /**
   * @internal Operands are never written between calls (the cpu backend's buffers): an array
   * given again, by identity, while its floats are still in the kernel's memory is not copied or
   * counted again (see operandCache). Default false: callers may reuse and rewrite their arrays.
   */
  readonly residentOperands?: boolean;
  /** @internal Where results are copied out to (default: zero-filled arrays); see copy-out.ts. */
  readonly allocate?: Allocate;
  /** @internal Cache blocking override, for the benchmark's tuning runs. */
  readonly blocking?: WasmMatmulBlocking;
}

/** The wasm module for one flavour, as bytes (exported for size and validation tests). @internal */
export function wasmMatmulModuleBytes(flavour: WasmSimdFlavour): Uint8Array<ArrayBuffer> {
  return encodeModule([gemmBlockFunction(flavour), packFunction(4), packFunction(8)]);
}

/**
 * Feature-detects WebAssembly SIMD and relaxed SIMD by validating the kernel module itself, so
 * what is detected is exactly what will run (Node 20 accepts relaxed SIMD only with
 * `--experimental-wasm-relaxed-simd`; Chrome 114+ by default). Returns undefined if WebAssembly
 * SIMD is unavailable. With `prefer: 'mul-add'` the FMA flavour is not even tried.
 */
export function createWasmMatmul(options?: WasmMatmulOptions): WasmMatmul | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const order: readonly WasmSimdFlavour[] = options?.prefer === 'mul-add' ? ['mul-add'] : ['relaxed-fma', 'mul-add'];
  for (const flavour of order) {
    const bytes = wasmMatmulModuleBytes(flavour);
    // Synchronous compile: the module is well under the 4 KB that browsers allow on the main thread.
    if (WebAssembly.validate(bytes)) {
      return instantiate(flavour, new WebAssembly.Module(bytes), options?.blocking ?? defaultBlocking, zeroSkipFlops(options),
        options?.residentOperands === true, options?.allocate ?? zeroFilled);
    }
  }
  return undefined;
}

interface Exports {
  readonly gemmBlock: (aPack: number, bPack: number, mc: number, nc: number, kc: number,
                       c: number, ldc: number, bias: number, flags: number, scratch: number) => void;
  readonly pack4: Packer;
  readonly pack8: Packer;
}

export type Packer = (src: number, strideK: number, strideW: number, kc: number, w: number, dst: number) => void;

const pageBytes = 65536;

/** Grows `memory` to at least `bytes`; never shrinks (the kernels reuse it across calls). @internal */
export function growMemory(memory: WebAssembly.Memory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength;
  if (missing <= 0) return;
  try {
    memory.grow(Math.ceil(missing / pageBytes));
  } catch (cause) {
    throw new BackendError('wasm matmul', `cannot grow WebAssembly memory to ${bytes} bytes (${String(cause)}); split the matmul into smaller ones`);
  }
}

/** The smallest product that gets a census, or Infinity when zero skipping is off. @internal */
export const zeroSkipFlops = (options: WasmMatmulOptions | undefined): number =>
  options?.zeroSkip === false ? Infinity : options?.zeroSkipMinFlops ?? minSkipFlops;

function instantiate(
  flavour: WasmSimdFlavour, module: WebAssembly.Module, blocking: WasmMatmulBlocking, skipFlops: number, resident: boolean, allocate: Allocate,
): WasmMatmul {
  checkBlocking(blocking);
  // Owned by this kernel object alone; grown on demand and never shrunk, reused across calls.
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as Exports;
  const sparse = new WebAssembly.Instance(new WebAssembly.Module(wasmSparseModuleBytes(flavour)), { env: { memory } }).exports as unknown as SparseExports;

  const ensureBytes = (bytes: number): void => growMemory(memory, bytes);
  const cache = operandCache(resident);
  const census = cache.census(sparse);
  let lastSkip = 0;

  return {
    flavour,
    lastSkip: () => skipName(lastSkip),
    matmul(a, b, m, k, n, transA, transB, epilogue) {
      checkShapes(a, b, m, k, n, epilogue?.bias);
      const { operands, copyA, copyB } = cache.place(SCRATCH_BYTES, a, b, m, k, n);
      ensureBytes(operands.end);
      const heap = new Float32Array(memory.buffer);
      if (copyA) heap.set(a, operands.a >> 2);
      if (copyB) heap.set(b, operands.b >> 2);
      if (epilogue?.bias !== undefined) heap.set(epilogue.bias, operands.bias >> 2);
      const skip = 2 * m * k * n >= skipFlops ? chooseSkip(census, operands.a, m * k, operands.b, k * n) : 0;
      lastSkip = skip;
      // A sparse op(B) runs as Cᵀ: m columns, n rows.
      const layout = skip === SPARSE_B ? planLayout(operands, n, k, m, true, blocking) : planLayout(operands, m, k, n, skip !== 0, blocking);
      ensureBytes(layout.end);
      const result = (): Float32Array => copyOut(new Float32Array(memory.buffer, layout.c, m * n), allocate); // a grow replaced the buffer

      // Byte strides of op(A)[i, p] and op(B)[p, j]: "W" runs along the panel's width.
      const aStrideK = 4 * (transA ? m : 1);
      const aStrideW = 4 * (transA ? 1 : k);
      const bStrideK = 4 * (transB ? 1 : n);
      const bStrideW = 4 * (transB ? k : 1);
      const finalFlags = (epilogue?.bias !== undefined ? ADD_BIAS : 0) | (epilogue?.relu === true ? APPLY_RELU : 0);
      if (skip !== 0) {
        // The sparse operand's rows are listed; a sparse op(B) runs as Cᵀ = op(B)ᵀ·op(A)ᵀ.
        const onA = skip === SPARSE_A;
        runSparseRows(sparse, kernels.pack8, layout, blocking, {
          rows: onA ? m : n, columns: onA ? n : m, k,
          a: onA ? [layout.a, aStrideK, aStrideW] : [layout.b, bStrideK, bStrideW],
          b: onA ? [layout.b, bStrideK, bStrideW] : [layout.a, aStrideK, aStrideW],
          c: onA ? [4 * n, 4] : [4, 4 * n],
          bias: onA ? [0, 4] : [4, 0],
          finalFlags,
        });
        return result();
      }

      for (let jc = 0; jc < n; jc += blocking.nc) {
        const nc = Math.min(blocking.nc, n - jc);
        for (let pc = 0; pc < k; pc += blocking.kc) {
          const kc = Math.min(blocking.kc, k - pc);
          const flags = (pc > 0 ? ACCUMULATE : 0) | (pc + kc === k ? finalFlags : 0);
          kernels.pack8(layout.b + pc * bStrideK + jc * bStrideW, bStrideK, bStrideW, kc, nc, layout.bPack);
          for (let ic = 0; ic < m; ic += blocking.mc) {
            const mc = Math.min(blocking.mc, m - ic);
            kernels.pack4(layout.a + ic * aStrideW + pc * aStrideK, aStrideK, aStrideW, kc, mc, layout.aPack);
            kernels.gemmBlock(layout.aPack, layout.bPack, mc, nc, kc, layout.c + 4 * (ic * n + jc), 4 * n, layout.bias + 4 * jc, flags, SCRATCH_TILE);
          }
        }
      }
      return result();
    },
  };
}

/** Byte offsets of a product's operands and result (here after the kernels' SCRATCH_BYTES). */
export interface Operands {
  readonly a: number; readonly b: number; readonly bias: number; readonly c: number; readonly end: number;
}

/** The operands' layout and then the packing buffers'. */
export interface Layout extends Operands {
  readonly aPack: number; readonly bPack: number; readonly rowLists: number;
}

/**
 * Hands out consecutive regions of `bytes` from `start`, each on a 64-byte boundary (cache lines,
 * so packed panels' v128 loads never split one). @internal (shared with the threaded kernel)
 */
export const taker = (start: number): { take(bytes: number): number; end(): number } => {
  let cursor = start;
  return {
    take: (bytes) => {
      const at = cursor;
      cursor = roundUp(cursor + bytes, 64);
      return at;
    },
    end: () => cursor,
  };
};

/**
 * Keeps one operand in a kernel's memory from one product to the next: the one placed first, at
 * the start of the operand area. When the next product takes that very array again (by identity,
 * as A or as B), it stays where it is (no copy) and its census counts are reused; everything
 * else is laid out after it. In a training step that saves copying X again for dW1 = dZᵀ·X after
 * the forward X·W1ᵀ, and H for dW2 = dYᵀ·H after H·W2ᵀ. Only sound when arrays are never written
 * between calls, hence `enabled` (the cpu backend's buffers never are); one operand bounds the
 * layout: nothing creeps up the memory from call to call. @internal (shared with the threaded kernel)
 */
export interface OperandCache {
  /**
   * The layout of a product from `start`, and which operands still need copying in. An operand
   * for which `homeOf` gives an address (an arena's live array in this memory) is read there: it
   * takes no room and no copy.
   */
  place(start: number, a: Float32Array, b: Float32Array, m: number, k: number, n: number,
        homeOf?: (x: Float32Array, floats: number) => number | undefined): {
    readonly operands: Operands; readonly copyA: boolean; readonly copyB: boolean;
  };
  /** `kernels`' census, answering for the kept operand from its last count. */
  census(kernels: Census): Census;
}

export function operandCache(enabled: boolean): OperandCache {
  interface Kept { readonly array: Float32Array; readonly at: number; zeros?: number; finite?: number }
  let kept: Kept | undefined;
  const remembered = (ptr: number, floats: number): Kept | undefined =>
    kept !== undefined && kept.at === ptr && kept.array.length === floats ? kept : undefined;
  return {
    place(start, a, b, m, k, n, homeOf) {
      const homeA = homeOf?.(a, m * k);
      const homeB = a === b ? homeA : homeOf?.(b, k * n);
      // Operands to place: not at home, and one array given as both operands is placed (and copied) once.
      const placeA = homeA === undefined;
      const placeB = homeB === undefined && a !== b;
      const hit = enabled && kept !== undefined && kept.at === start && ((placeA && kept.array === a) || (placeB && kept.array === b)) ? kept : undefined;
      // The kept operand stays first; without a hit, A goes first (if placed) and is the one kept.
      const bFirst = placeB && (!placeA || (hit !== undefined && hit.array === b));
      const { take, end } = taker(start);
      const first = bFirst ? b : placeA ? a : undefined;
      const firstAt = first === undefined ? undefined : take(4 * (bFirst ? k * n : m * k));
      const secondAt = bFirst ? (placeA ? take(4 * m * k) : undefined) : (placeB ? take(4 * k * n) : undefined);
      const aAt = homeA ?? (bFirst ? secondAt : firstAt) as number;
      const bAt = homeB ?? (a === b ? aAt : ((bFirst ? firstAt : secondAt) as number));
      const operands: Operands = { a: aAt, b: bAt, bias: take(4 * n), c: take(4 * m * n), end: end() };
      kept = !enabled ? undefined : hit ?? (first === undefined || firstAt === undefined ? undefined : { array: first, at: firstAt });
      const copyA = placeA && hit?.array !== a;
      return { operands, copyA, copyB: placeB ? hit?.array !== b : a === b && copyA };
    },
    census: (kernels) => ({
      zeros: (ptr, floats) => {
        const entry = remembered(ptr, floats);
        if (entry === undefined) return kernels.zeros(ptr, floats);
        return (entry.zeros ??= kernels.zeros(ptr, floats));
      },
      finite: (ptr, floats) => {
        const entry = remembered(ptr, floats);
        if (entry === undefined) return kernels.finite(ptr, floats);
        return (entry.finite ??= kernels.finite(ptr, floats));
      },
    }),
  };
}

/**
 * The packing buffers of a product run as `rows` × `columns` (its Cᵀ when a sparse op(B) swaps
 * the operands): 4-row A panels and 8-column B panels for the dense kernel, or row lists and
 * 8-column B panels with PANEL_SLACK_COLUMNS spare columns for the sparse-rows one.
 */
function planLayout(operands: Operands, rows: number, k: number, columns: number, sparse: boolean, blocking: WasmMatmulBlocking): Layout {
  const { take, end } = taker(operands.end);
  const kc = Math.min(k, blocking.kc);
  const aPack = sparse ? 0 : take(4 * roundUp(Math.min(rows, blocking.mc), 4) * kc);
  const bPack = take(4 * (roundUp(Math.min(columns, blocking.nc), 8) + (sparse ? PANEL_SLACK_COLUMNS : 0)) * kc);
  const rowLists = sparse ? take(listBytes(kc) * Math.min(rows, sparseRowBlock)) : 0;
  return { ...operands, aPack, bPack, rowLists, end: end() };
}

/** @internal */
export const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

/** Validates a matmul call's sizes against its arrays. @internal (shared with the threaded kernel) */
export function checkShapes(a: Float32Array, b: Float32Array, m: number, k: number, n: number, bias: Float32Array | undefined): void {
  for (const [name, size] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(size) || size < 1) throw new ShapeError('wasm matmul', `expected ${name} to be a positive integer, got ${size}`);
  }
  if (a.length !== m * k) throw new ShapeError('wasm matmul', `expected a to hold m*k = ${m}*${k} = ${m * k} floats, got ${a.length}`);
  if (b.length !== k * n) throw new ShapeError('wasm matmul', `expected b to hold k*n = ${k}*${n} = ${k * n} floats, got ${b.length}`);
  if (bias !== undefined && bias.length !== n) throw new ShapeError('wasm matmul', `expected bias to hold n = ${n} floats, got ${bias.length}`);
}

/** @internal */
export function checkBlocking({ mc, kc, nc }: WasmMatmulBlocking): void {
  if (!(mc > 0 && mc % 4 === 0 && kc > 0 && Number.isInteger(kc) && nc > 0 && nc % 8 === 0)) {
    throw new BackendError('wasm matmul', `blocking must have mc a positive multiple of 4, nc of 8 and kc > 0, got ${JSON.stringify({ mc, kc, nc })}`);
  }
}
