/**
 * The compute kernel (emitted as wasm): C[mc×nc] (+)= packedA · packedB over one kc block, by 4×8
 * tiles. The tile lives in 8 v128 accumulators for the whole k loop (2 B loads, 4 A splats and 8
 * multiply-adds per step); 4×8 is the largest block V8 keeps in its 15 usable xmm registers, and
 * the k loop is deliberately not unrolled (V8 unrolls by 2 itself; more spills, KERNELS.md).
 * The epilogue (accumulate into C, then bias and ReLU on the last kc block) is fused into the
 * tile store so C is written once per block.
 *
 * @internal
 */
import {
  Code, type Expr, type FunctionDef, type Local,
  add, addF32, addF32x4, and, eq, f32, get, i32, loadF32, loadSplat, loadV128, maxF32, maxF32x4,
  minS, mul, mulF32x4, relaxedMadd, sub, tee, zeroV128,
} from './emit.js';

export type WasmSimdFlavour = 'relaxed-fma' | 'mul-add';

/** Bits of gemmBlock's `flags`: add to what C holds (k blocks after the first), add bias, ReLU. */
export const ACCUMULATE = 1;
export const ADD_BIAS = 2;
export const APPLY_RELU = 4;

/**
 * Scratch for accumulators on their way to C: 32 floats hold a ragged edge tile before its scalar
 * store, and the sparse-rows kernel transposes four 32-float row tiles from it. Each thread passes
 * its own (the single-thread kernels use this address).
 */
export const SCRATCH_TILE = 0;
export const SCRATCH_BYTES = 512;
export const TILE_ROWS = 4;
export const TILE_COLUMNS = 8;

/**
 * Builds `gemmBlock(aPack, bPack, mc, nc, kc, c, ldc, bias, flags, scratch)`; pointers and `ldc`
 * in bytes, `c` and `bias` already offset to the block's first row and column, `scratch` the
 * caller's SCRATCH_BYTES for edge tiles.
 */
export function gemmBlockFunction(flavour: WasmSimdFlavour): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [aPack, bPack, mc, nc, kc, c, ldc, bias, flags, scratch] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => code.param(i));
  const jr = code.local('i32');
  const ir = code.local('i32');
  const bPanel = code.local('i32');
  const ap = code.local('i32');
  const bp = code.local('i32');
  const p = code.local('i32');
  const tile = code.local('i32');
  const rows = code.local('i32'); // rows of this tile inside C (4 except at the bottom edge)
  const columns = code.local('i32'); // columns of this tile inside C (8 except at the right edge)
  const acc = Array.from({ length: 8 }, () => code.local('v128')); // acc[2r + half]
  const b0 = code.local('v128');
  const b1 = code.local('v128');
  const a = code.local('v128');
  const edgeValue = code.local('f32');

  // relaxed_madd lowers to vfmadd231ps where supported; the fallback is two instructions.
  const madd = flavour === 'relaxed-fma'
    ? relaxedMadd
    : (x: Expr, y: Expr, sum: Expr): Expr => addF32x4(sum, mulF32x4(x, y));

  code.forRange(jr, i32(0), get(nc), TILE_COLUMNS, (panel) => {
    panel.set(bPanel, add(get(bPack), mul(get(jr), mul(get(kc), i32(4)))));
    panel.set(columns, minS(i32(TILE_COLUMNS), sub(get(nc), get(jr))));
    panel.forRange(ir, i32(0), get(mc), TILE_ROWS, (t) => {
      for (const accumulator of acc) t.set(accumulator, zeroV128);
      t.set(ap, add(get(aPack), mul(get(ir), mul(get(kc), i32(4)))));
      t.set(bp, get(bPanel));
      t.set(p, get(kc));
      t.doWhile((step) => {
        step.set(b0, loadV128(get(bp)));
        step.set(b1, loadV128(get(bp), 16));
        for (let r = 0; r < TILE_ROWS; r++) {
          step.set(a, loadSplat(get(ap), r * 4));
          step.set(acc[2 * r], madd(get(a), get(b0), get(acc[2 * r])));
          step.set(acc[2 * r + 1], madd(get(a), get(b1), get(acc[2 * r + 1])));
        }
        step.set(ap, add(get(ap), i32(TILE_ROWS * 4)));
        step.set(bp, add(get(bp), i32(TILE_COLUMNS * 4)));
      }, tee(p, sub(get(p), i32(1))));

      t.set(tile, add(get(c), add(mul(get(ir), get(ldc)), mul(get(jr), i32(4)))));
      t.set(rows, minS(i32(TILE_ROWS), sub(get(mc), get(ir))));
      const whole = and(eq(get(rows), i32(TILE_ROWS)), eq(get(columns), i32(TILE_COLUMNS)));
      t.ifThen(whole,
        (store) => emitWholeTileStore(store, { acc, tile, ldc, bias, jr, flags, b0, b1 }),
        (store) => emitEdgeTileStore(store, { acc, tile, ldc, bias, jr, flags, rows, columns, scratch, r: ap, col: bp, value: edgeValue }));
    });
  });
  return { name: 'gemmBlock', params: code.params, results: [], code };
}

const flag = (flags: Local, bit: number): Expr => and(get(flags), i32(bit));

interface WholeStore {
  readonly acc: readonly Local[]; readonly tile: Local; readonly ldc: Local; readonly bias: Local;
  readonly jr: Local; readonly flags: Local; readonly b0: Local; readonly b1: Local;
}

/** A tile wholly inside C: vector epilogue, 8 v128 stores. */
function emitWholeTileStore(c: Code, l: WholeStore): void {
  const { acc, tile, ldc, bias, jr, flags, b0, b1 } = l;
  const rowAddress = (r: number): Expr => add(get(tile), mul(i32(r), get(ldc)));
  const each = (update: (accumulator: Local, index: number) => Expr) => (code: Code): void => {
    acc.forEach((accumulator, index) => code.set(accumulator, update(accumulator, index)));
  };
  c.ifThen(flag(flags, ACCUMULATE), each((x, i) => addF32x4(get(x), loadV128(rowAddress(i >> 1), (i & 1) * 16))));
  c.ifThen(flag(flags, ADD_BIAS), (withBias) => {
    withBias.set(b0, loadV128(add(get(bias), mul(get(jr), i32(4)))));
    withBias.set(b1, loadV128(add(get(bias), mul(get(jr), i32(4))), 16));
    each((x, i) => addF32x4(get(x), get(i & 1 ? b1 : b0)))(withBias);
  });
  c.ifThen(flag(flags, APPLY_RELU), each((x) => maxF32x4(get(x), zeroV128)));
  acc.forEach((x, i) => c.storeV128(rowAddress(i >> 1), get(x), (i & 1) * 16));
}

interface EdgeStore {
  readonly acc: readonly Local[]; readonly tile: Local; readonly ldc: Local; readonly bias: Local;
  readonly jr: Local; readonly flags: Local; readonly rows: Local; readonly columns: Local;
  readonly scratch: Local;
  /** Loop counters; the caller lends locals that are dead by now. */
  readonly r: Local; readonly col: Local; readonly value: Local;
}

/**
 * A tile crossing C's edge: spill the accumulators to scratch, then store only the elements
 * inside C, one float at a time. The padded lanes were computed from zero padding and are dropped.
 */
function emitEdgeTileStore(c: Code, l: EdgeStore): void {
  const { acc, tile, ldc, bias, jr, flags, rows, columns, scratch, r, col, value } = l;
  acc.forEach((x, i) => c.storeV128(get(scratch), get(x), i * 16));
  c.forRange(r, i32(0), get(rows), 1, (row) => {
    row.forRange(col, i32(0), get(columns), 1, (element) => {
      const target = add(add(get(tile), mul(get(r), get(ldc))), mul(get(col), i32(4)));
      element.set(value, loadF32(add(get(scratch), add(mul(get(r), i32(TILE_COLUMNS * 4)), mul(get(col), i32(4))))));
      element.ifThen(flag(flags, ACCUMULATE), (x) => x.set(value, addF32(get(value), loadF32(target))));
      element.ifThen(flag(flags, ADD_BIAS), (x) => x.set(value, addF32(get(value), loadF32(add(get(bias), mul(add(get(jr), get(col)), i32(4)))))));
      element.ifThen(flag(flags, APPLY_RELU), (x) => x.set(value, maxF32(get(value), f32(0))));
      element.storeF32(target, get(value));
    });
  });
}
