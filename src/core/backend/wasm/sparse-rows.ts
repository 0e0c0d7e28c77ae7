/**
 * The sparse-rows path of the wasm matmul (emitted as wasm): when op(A) is mostly +0 (MNIST pixels:
 * 81% zeros), list each row's non-zeros of a k block (`csr`), then sweep C one row × 32 columns
 * at a time, a step per listed non-zero: 1 A splat, 8 B loads from four packed 8-column panels, 8
 * multiply-adds (`sparseRows`). A step does a 4×8 tile step's 64 flops, at ~44 GFLOP/s against
 * the dense kernel's ~55 (10 loads per step instead of 6), but only the non-zeros take one: on
 * the lecture's batches 19% of the k steps, against 39% for 4-row panels. Eight accumulators, one
 * per 4 columns, hide the add latency; 1×16 tiles (four) ran at 22-31 GFLOP/s.
 *
 * C is addressed by two strides, so the same kernel writes Cᵀ: a product whose op(B) is the
 * sparse one runs as Cᵀ = op(B)ᵀ·op(A)ᵀ (dW = dZᵀ·X, with X the sparse input). Every element of C
 * gets the dense kernel's operations in the dense kernel's order, minus additions of a·b with
 * a = +0 and b finite (see zero-skip.ts): the results are bitwise the dense kernel's.
 *
 * @internal
 */
import {
  Code, type Expr, type FunctionDef,
  add, addF32, addF32x4, and, anyTrue, call, eq, f32, get, i32, loadF32, loadI32, loadSplat, loadV128, maxF32,
  ltS, maxF32x4, minS, mul, mulF32x4, ne, relaxedMadd, shl, shrU, sub, tee, transpose4x4, zeroV128,
} from './emit.js';
import { ACCUMULATE, ADD_BIAS, APPLY_RELU, type WasmSimdFlavour } from './kernel.js';

/** Columns of C per sparse-rows tile: four of the dense kernel's 8-column B panels. */
export const ROW_TILE_COLUMNS = 32;
/**
 * A tile reads all four panels of its group, also past the last column of B: the packed B needs
 * this many spare columns after it (read, never stored from).
 */
export const PANEL_SLACK_COLUMNS = ROW_TILE_COLUMNS - 8;
/** Bytes of one tile's accumulators in scratch; the kernel uses four tiles' worth (SCRATCH_BYTES). */
const ROW_TILE_BYTES = 4 * ROW_TILE_COLUMNS;
/** Bytes per k step in a packed 8-column B panel: a list entry's offset is (k − pc) times this. */
const PANEL_STEP_BYTES = 32;

/** Rows whose lists one pass of the strided csr fills (64 × 2 KB: they stay in L2). */
const CSR_ROW_CHUNK = 64;

/** Bytes of one row's list for a k block of depth kc: a count, then (offset, value) pairs. */
export const listBytes = (kc: number): number => 4 * (1 + 2 * kc);

/**
 * Builds `csr(src, strideK, strideW, kc, rows, lists, listStride)`: for each of `rows` rows of
 * op(A) (row r at src + r·strideW, step k at + k·strideK), the k steps of the block that are not
 * +0, as (k·32, bits) pairs after a count. The sweep follows memory: along k when strideK is 4
 * (A stored row-major), across rows when it is not (then strideW is 4). Groups of four +0 floats
 * are passed over with one vector test; the others are appended without a branch.
 */
export function csrFunction(): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, strideK, strideW, kc, rows, lists, listStride] = [0, 1, 2, 3, 4, 5, 6].map((i) => code.param(i));
  const [outer, inner, lane, from, head, cursor, bits, wide, chunk, chunkEnd] = Array.from({ length: 10 }, () => code.local('i32'));

  code.forRange(outer, i32(0), get(rows), 1, (c) => c.storeI32(add(get(lists), mul(get(outer), get(listStride))), i32(0)));
  code.ifThen(eq(get(strideK), i32(4)), (alongK) => {
    alongK.set(wide, and(get(kc), i32(-4)));
    alongK.forRange(outer, i32(0), get(rows), 1, (row) => {
      row.set(from, add(get(src), mul(get(outer), get(strideW))));
      row.set(head, add(get(lists), mul(get(outer), get(listStride))));
      row.set(cursor, add(get(head), i32(4)));
      const append = (c: Code, k: Expr): void => {
        c.set(bits, loadI32(add(get(from), shl(k, i32(2)))));
        c.storeI32(get(cursor), mul(k, i32(PANEL_STEP_BYTES)));
        c.storeI32(get(cursor), get(bits), 4);
        c.set(cursor, add(get(cursor), shl(ne(get(bits), i32(0)), i32(3))));
      };
      row.forRange(inner, i32(0), get(wide), 4, (group) => {
        group.ifThen(anyTrue(loadV128(add(get(from), shl(get(inner), i32(2))))), (some) => {
          some.forRange(lane, get(inner), add(get(inner), i32(4)), 1, (each) => append(each, get(lane)));
        });
      });
      row.forRange(inner, get(wide), get(kc), 1, (each) => append(each, get(inner)));
      row.storeI32(get(head), shrU(sub(get(cursor), add(get(head), i32(4))), i32(3)));
    });
  }, (acrossRows) => {
    // strideW is 4: step k's values of all rows are contiguous; append to each row's list in turn,
    // CSR_ROW_CHUNK rows at a time so that their lists stay in cache (784 lists of 2 KB do not).
    acrossRows.forRange(chunk, i32(0), get(rows), CSR_ROW_CHUNK, (rowChunk) => {
      rowChunk.set(chunkEnd, minS(get(rows), add(get(chunk), i32(CSR_ROW_CHUNK))));
      rowChunk.set(wide, add(get(chunk), and(sub(get(chunkEnd), get(chunk)), i32(-4))));
      rowChunk.forRange(outer, i32(0), get(kc), 1, (step) => {
        step.set(from, add(get(src), mul(get(outer), get(strideK))));
        const append = (c: Code, r: Expr): void => {
          c.set(bits, loadI32(add(get(from), shl(r, i32(2)))));
          c.set(head, add(get(lists), mul(r, get(listStride))));
          c.set(cursor, loadI32(get(head)));
          c.set(lane, add(get(head), add(i32(4), shl(get(cursor), i32(3)))));
          c.storeI32(get(lane), mul(get(outer), i32(PANEL_STEP_BYTES)));
          c.storeI32(get(lane), get(bits), 4);
          c.storeI32(get(head), add(get(cursor), ne(get(bits), i32(0))));
        };
        step.forRange(inner, get(chunk), get(wide), 4, (group) => {
          group.ifThen(anyTrue(loadV128(add(get(from), shl(get(inner), i32(2))))), (some) => {
            for (let l = 0; l < 4; l++) append(some, add(get(inner), i32(l)));
          });
        });
        step.forRange(inner, get(wide), get(chunkEnd), 1, (each) => append(each, get(inner)));
      });
    });
  });
  return { name: 'csr', params: code.params, results: [], code };
}

/**
 * Builds `rowTile(entry, count, panel, panelBytes, scratch)`: the k loop of one row ×
 * ROW_TILE_COLUMNS tile, walking `count` list entries from `entry` over the four packed 8-column
 * panels from `panel` (`panelBytes` apart), accumulators left in scratch. A function of its own so that V8 keeps its few live values and the accumulators in
 * registers (inside the strided-store kernel it spilled: 22 against 40 GFLOP/s per step).
 */
export function rowTileFunction(flavour: WasmSimdFlavour): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32']);
  const [entry, count, panel, panelBytes, scratch] = [0, 1, 2, 3, 4].map((i) => code.param(i));
  const offset = code.local('i32');
  const further = [code.local('i32'), code.local('i32'), code.local('i32')]; // panels 1-3, from panel 0
  const acc = Array.from({ length: ROW_TILE_COLUMNS / 4 }, () => code.local('v128'));
  const [a, b] = [code.local('v128'), code.local('v128')];
  const madd = flavour === 'relaxed-fma' ? relaxedMadd : (x: Expr, y: Expr, sum: Expr): Expr => addF32x4(sum, mulF32x4(x, y));
  for (const x of acc) code.set(x, zeroV128);
  further.forEach((x, q) => code.set(x, mul(get(panelBytes), i32(q + 1))));
  code.ifThen(get(count), (walk) => walk.doWhile((step) => {
    step.set(offset, add(get(panel), loadI32(get(entry), 4)));
    step.set(a, loadSplat(get(entry), 8));
    step.set(entry, add(get(entry), i32(8)));
    acc.forEach((x, i) => {
      const panelQ = i >> 1;
      step.set(b, loadV128(panelQ === 0 ? get(offset) : add(get(offset), get(further[panelQ - 1])), (i & 1) * 16));
      step.set(x, madd(get(a), get(b), get(x)));
    });
  }, tee(count, sub(get(count), i32(1)))));
  acc.forEach((x, q) => code.storeV128(get(scratch), get(x), 16 * q));
  return { name: 'rowTile', params: code.params, results: [], code };
}

/**
 * Builds `sparseRows(lists, listStride, rows, bPack, nc, kc, c, cRow, cColumn, bias, biasRow,
 * biasColumn, flags, scratch)`: C[r, j] (+)= Σ over row r's list of value · B[k, j] for one kc
 * block, then (last block) bias and ReLU. C[r, j] is at c + r·cRow + j·cColumn and its bias at
 * bias + r·biasRow + j·biasColumn (pointers already at the block's origin; strides in bytes).
 * `bPack` is the block's B packed in 8-column panels (pack8), kc steps each, with
 * PANEL_SLACK_COLUMNS spare columns after the last.
 * `rowTile` is the index of rowTileFunction in the module.
 */
export function sparseRowsFunction(rowTile: number): FunctionDef {
  const code = new Code(Array.from({ length: 14 }, () => 'i32' as const));
  const [lists, listStride, rows, bPack, nc, kc, c, cRow, cColumn, bias, biasRow, biasColumn, flags, scratch] =
    Array.from({ length: 14 }, (_, i) => code.param(i));
  const [jg, r, entry, panel, columns, tile, lane, address] = Array.from({ length: 8 }, () => code.local('i32'));
  const acc = Array.from({ length: ROW_TILE_COLUMNS / 4 }, () => code.local('v128'));
  const value = code.local('f32');
  const flag = (bit: number): Expr => and(get(flags), i32(bit));

  code.forRange(jg, i32(0), get(nc), ROW_TILE_COLUMNS, (group) => {
    group.set(panel, add(get(bPack), shl(mul(get(jg), get(kc)), i32(2)))); // panel jg/8 starts at jg/8 · kc · 32 bytes
    group.set(columns, minS(i32(ROW_TILE_COLUMNS), sub(get(nc), get(jg))));
    group.set(r, i32(0));
    // Cᵀ (rows of the product run along C's rows: cRow = 4): four rows at a time, transposed in
    // registers, so that C gets whole vectors of four consecutive elements instead of 128 floats.
    const quads = and(and(eq(get(cRow), i32(4)), eq(get(columns), i32(ROW_TILE_COLUMNS))), eq(get(biasColumn), i32(0)));
    group.ifThen(quads, (fours) => fours.whileLoop(ltS(add(get(r), i32(3)), get(rows)), (quad) => {
      for (let i = 0; i < 4; i++) {
        quad.set(entry, add(get(lists), mul(add(get(r), i32(i)), get(listStride))));
        quad.emit(call(rowTile, get(entry), loadI32(get(entry)), get(panel), shl(get(kc), i32(5)), add(get(scratch), i32(ROW_TILE_BYTES * i))));
      }
      quad.set(tile, add(get(c), add(shl(get(r), i32(2)), mul(get(jg), get(cColumn)))));
      quad.forRange(lane, i32(0), i32(ROW_TILE_COLUMNS), 4, (columnQuad) => {
        acc.slice(0, 4).forEach((x, i) => columnQuad.set(x, loadV128(add(get(scratch), shl(get(lane), i32(2))), ROW_TILE_BYTES * i)));
        const [v0, v1, v2, v3, p0, p1, p2, p3] = acc;
        const columnsOfC = transpose4x4(columnQuad, [v0, v1, v2, v3], [p0, p1, p2, p3]);
        columnsOfC.forEach((column, l) => {
          columnQuad.set(acc[l], column);
          columnQuad.set(address, add(get(tile), mul(add(get(lane), i32(l)), get(cColumn))));
          columnQuad.ifThen(flag(ACCUMULATE), (x) => x.set(acc[l], addF32x4(get(acc[l]), loadV128(get(address)))));
          columnQuad.ifThen(flag(ADD_BIAS), (x) => x.set(acc[l], addF32x4(get(acc[l]), loadV128(add(get(bias), mul(get(r), get(biasRow)))))));
          columnQuad.ifThen(flag(APPLY_RELU), (x) => x.set(acc[l], maxF32x4(get(acc[l]), zeroV128)));
          columnQuad.storeV128(get(address), get(acc[l]));
        });
      });
      quad.set(r, add(get(r), i32(4)));
    }));
    group.forRange(r, get(r), get(rows), 1, (row) => {
      row.set(entry, add(get(lists), mul(get(r), get(listStride))));
      row.emit(call(rowTile, get(entry), loadI32(get(entry)), get(panel), shl(get(kc), i32(5)), get(scratch)));
      row.set(tile, add(get(c), add(mul(get(r), get(cRow)), mul(get(jg), get(cColumn)))));
      const vectorStore = and(eq(get(columns), i32(ROW_TILE_COLUMNS)), and(eq(get(cColumn), i32(4)), eq(get(biasColumn), i32(4))));
      row.ifThen(vectorStore, (store) => {
        acc.forEach((x, q) => store.set(x, loadV128(get(scratch), 16 * q)));
        store.ifThen(flag(ACCUMULATE), (s) => acc.forEach((x, q) => s.set(x, addF32x4(get(x), loadV128(get(tile), 16 * q)))));
        store.ifThen(flag(ADD_BIAS), (s) => {
          s.set(address, add(get(bias), add(mul(get(r), get(biasRow)), shl(get(jg), i32(2)))));
          acc.forEach((x, q) => s.set(x, addF32x4(get(x), loadV128(get(address), 16 * q))));
        });
        store.ifThen(flag(APPLY_RELU), (s) => acc.forEach((x) => s.set(x, maxF32x4(get(x), zeroV128))));
        acc.forEach((x, q) => store.storeV128(get(tile), get(x), 16 * q));
      }, (store) => {
        // Strided or ragged: from scratch one float at a time, only the columns inside C.
        store.forRange(lane, i32(0), get(columns), 1, (each) => {
          each.set(address, add(get(tile), mul(get(lane), get(cColumn))));
          each.set(value, loadF32(add(get(scratch), shl(get(lane), i32(2)))));
          each.ifThen(flag(ACCUMULATE), (s) => s.set(value, addF32(get(value), loadF32(get(address)))));
          each.ifThen(flag(ADD_BIAS), (s) => s.set(value, addF32(get(value),
            loadF32(add(get(bias), add(mul(get(r), get(biasRow)), mul(add(get(jg), get(lane)), get(biasColumn))))))));
          each.ifThen(flag(APPLY_RELU), (s) => s.set(value, maxF32(get(value), f32(0))));
          each.storeF32(get(address), get(value));
        });
      });
    });
  });
  return { name: 'sparseRows', params: code.params, results: [], code };
}
