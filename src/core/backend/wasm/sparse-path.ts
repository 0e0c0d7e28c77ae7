/**
 * The single-thread driver of the sparse-rows path (sparse-rows.ts): its module, compiled apart
 * from the dense kernels' so that each stays under the 4 KB browsers compile synchronously, and
 * the block loop. The census that chooses the path (zero-skip.ts) lives in the same module.
 *
 * @internal
 */
import { encodeModule } from './emit.js';
import { ACCUMULATE, SCRATCH_TILE, type WasmSimdFlavour } from './kernel.js';
import type { Layout, Packer, WasmMatmulBlocking } from './matmul.js';
import { csrFunction, listBytes, rowTileFunction, sparseRowsFunction } from './sparse-rows.js';
import { finiteFunction, zerosFunction, type Census } from './zero-skip.js';

/** The sparse-rows kernels (sparse-rows.ts): a second module over the same memory, so each stays small. @internal */
export function wasmSparseModuleBytes(flavour: WasmSimdFlavour): Uint8Array<ArrayBuffer> {
  return encodeModule([csrFunction(), sparseRowsFunction(2), rowTileFunction(flavour), zerosFunction(), finiteFunction()]);
}

export interface SparseExports extends Census {
  readonly csr: (src: number, strideK: number, strideW: number, kc: number, rows: number, lists: number, listStride: number) => void;
  readonly sparseRows: (lists: number, listStride: number, rows: number, bPack: number, nc: number, kc: number,
                        c: number, cRow: number, cColumn: number, bias: number, biasRow: number, biasColumn: number,
                        flags: number, scratch: number) => void;
}

/** Rows listed at once on the sparse-rows path (their lists: 2 KB each for kc = 256). */
export const sparseRowBlock = 256;

/** One product on the sparse-rows path, in the (possibly transposed) problem's terms. */
export interface SparsePlan {
  readonly rows: number; readonly columns: number; readonly k: number;
  /** Address, stride along k, stride along the rows (A) or columns (B), in bytes. */
  readonly a: readonly [number, number, number];
  readonly b: readonly [number, number, number];
  /** Byte strides of C and of the bias per row and per column of the problem. */
  readonly c: readonly [number, number];
  readonly bias: readonly [number, number];
  readonly finalFlags: number;
}

export function runSparseRows(sparse: SparseExports, pack8: Packer, layout: Layout, blocking: WasmMatmulBlocking, plan: SparsePlan): void {
  const { rows, columns, k, a: [a, aStrideK, aStrideW], b: [b, bStrideK, bStrideW], c: [cRow, cColumn], bias: [biasRow, biasColumn] } = plan;
  const listStride = listBytes(Math.min(k, blocking.kc));
  for (let jc = 0; jc < columns; jc += blocking.nc) {
    const nc = Math.min(blocking.nc, columns - jc);
    for (let pc = 0; pc < k; pc += blocking.kc) {
      const kc = Math.min(blocking.kc, k - pc);
      const flags = (pc > 0 ? ACCUMULATE : 0) | (pc + kc === k ? plan.finalFlags : 0);
      pack8(b + pc * bStrideK + jc * bStrideW, bStrideK, bStrideW, kc, nc, layout.bPack);
      for (let ic = 0; ic < rows; ic += sparseRowBlock) {
        const mc = Math.min(sparseRowBlock, rows - ic);
        sparse.csr(a + ic * aStrideW + pc * aStrideK, aStrideK, aStrideW, kc, mc, layout.rowLists, listStride);
        sparse.sparseRows(layout.rowLists, listStride, mc, layout.bPack, nc, kc,
          layout.c + ic * cRow + jc * cColumn, cRow, cColumn, layout.bias + ic * biasRow + jc * biasColumn, biasRow, biasColumn,
          flags, SCRATCH_TILE);
      }
    }
  }
}
