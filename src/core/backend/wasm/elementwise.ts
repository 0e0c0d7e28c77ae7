/**
 * Elementwise binary ops and column sums for the cpu backend, as WebAssembly SIMD: V8 runs a
 * Float32Array loop at ~1.4 ns per element here (convert, operate, convert back, bounds checks),
 * which made the ReLU backward (`greater`, then `mul` on 256×256) cost more than a small matmul.
 * Four lanes per instruction, inputs copied into the kernel's own memory, a fresh array out.
 *
 * Results are bitwise those of the JS kernels (array/kernels.ts): +, −, ×, ÷ of float32 values
 * rounded once to float32 equal the float64 operation rounded at the store; `maximum` is
 * `a > b || a is NaN ? a : b` by bit select (not f32x4.max, which orders −0 below +0 differently);
 * comparisons give 1 or 0 with NaN false. Column sums accumulate in float64 lanes, rows in order,
 * as the JS kernel does.
 *
 * @internal
 */
import type { BinaryOp } from '../backend.js';
import {
  Code, type Expr, type FunctionDef,
  add, addF32x4, addF64, addF64x2, and, andV128, bitselect, divF32x4, encodeModule, eqF32x4, geF32x4, get, gtF32x4,
  i32, loadF32, loadF64, loadV128, ltS, mulF32x4, neF32x4, orV128, promoteF32, promoteLowF32x4, shl, shuffleF32,
  subF32x4, zeroV128,
} from './emit.js';
import { copyOut, zeroFilled, type Allocate } from '../copy-out.js';
import { growMemory } from './matmul.js';

const one: Expr = (c) => c.op(0xfd, 0x0c, ...Array.from({ length: 4 }, () => [0x00, 0x00, 0x80, 0x3f]).flat()); // f32x4 of 1.0

/** The lane operation of each op, on two v128 values. */
const laneOps: { readonly [op in BinaryOp]: (a: Expr, b: Expr) => Expr } = {
  add: addF32x4,
  sub: subF32x4,
  mul: mulF32x4,
  div: divF32x4,
  maximum: (a, b) => bitselect(a, b, orV128(gtF32x4(a, b), neF32x4(a, a))),
  greater: (a, b) => andV128(gtF32x4(a, b), one),
  greaterEqual: (a, b) => andV128(geF32x4(a, b), one),
  equal: (a, b) => andV128(eqF32x4(a, b), one),
  // All of a's bits where b > 0 (so -0 and NaN pass as they are), +0 elsewhere.
  maskPositive: (a, b) => andV128(a, gtF32x4(b, zeroV128)),
};

export const binaryOps = Object.keys(laneOps) as BinaryOp[];

/** `op(a, aStep, b, bStep, out, bytes)`: a step of 0 repeats the operand's first 16 bytes (a scalar). */
function binaryFunction(op: BinaryOp): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [a, aStep, b, bStep, out, bytes] = [0, 1, 2, 3, 4, 5].map((i) => code.param(i));
  const at = code.local('i32');
  const [x, y] = [code.local('v128'), code.local('v128')];
  code.set(at, i32(0));
  code.whileLoop(ltS(get(at), get(bytes)), (body) => {
    body.set(x, loadV128(get(a)));
    body.set(y, loadV128(get(b)));
    body.storeV128(add(get(out), get(at)), laneOps[op](get(x), get(y)));
    body.set(a, add(get(a), get(aStep)));
    body.set(b, add(get(b), get(bStep)));
    body.set(at, add(get(at), i32(16)));
  });
  return { name: op, params: code.params, results: [], code };
}

/**
 * `sumColumns(x, rows, columns, acc)`: acc[j] (float64, zeroed by the caller) += x[r, j] for r in
 * order. Whole groups of 4 columns in SIMD, the rest one at a time.
 */
function sumColumnsFunction(): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32']);
  const [x, rows, columns, acc] = [0, 1, 2, 3].map((i) => code.param(i));
  const [r, j, row, wide, target] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const v = code.local('v128');
  code.set(wide, and(get(columns), i32(-4)));
  code.set(row, get(x));
  code.set(r, i32(0));
  code.whileLoop(ltS(get(r), get(rows)), (rowLoop) => {
    rowLoop.set(j, i32(0));
    rowLoop.whileLoop(ltS(get(j), get(wide)), (body) => {
      body.set(v, loadV128(add(get(row), shl(get(j), i32(2)))));
      body.set(target, add(get(acc), shl(get(j), i32(3))));
      body.storeV128(get(target), addF64x2(loadV128(get(target)), promoteLowF32x4(get(v))));
      body.storeV128(get(target), addF64x2(loadV128(get(target), 16), promoteLowF32x4(shuffleF32(get(v), get(v), [2, 3, 2, 3]))), 16);
      body.set(j, add(get(j), i32(4)));
    });
    rowLoop.whileLoop(ltS(get(j), get(columns)), (tail) => {
      tail.set(target, add(get(acc), shl(get(j), i32(3))));
      tail.storeF64(get(target), addF64(loadF64(get(target)), promoteF32(loadF32(add(get(row), shl(get(j), i32(2)))))));
      tail.set(j, add(get(j), i32(1)));
    });
    rowLoop.set(row, add(get(row), shl(get(columns), i32(2))));
    rowLoop.set(r, add(get(r), i32(1)));
  });
  return { name: 'sumColumns', params: code.params, results: [], code };
}

/** Elements below which the JS loop wins (the call and the copies cost ~1 µs). */
export const minWasmElements = 2048;

export interface WasmElementwise {
  /** op(a, b) for two arrays of one length, or an array and a one-element array (either side). */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array): Float32Array;
  /** Sums of the columns of a rows×columns row-major array, rounded from float64 to float32. */
  sumColumns(x: Float32Array, rows: number, columns: number): Float32Array;
}

/** The kernels, or undefined where WebAssembly SIMD does not validate. */
export function createWasmElementwise(allocate: Allocate = zeroFilled): WasmElementwise | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const bytes = encodeModule([...binaryOps.map(binaryFunction), sumColumnsFunction()]);
  if (!WebAssembly.validate(bytes)) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as
    { readonly [op in BinaryOp]: (...args: number[]) => void } & { sumColumns(x: number, rows: number, columns: number, acc: number): void };
  const padded = (floats: number): number => Math.ceil(floats / 4) * 16;

  return {
    binary(op, a, b) {
      const n = Math.max(a.length, b.length);
      const [aBytes, bBytes] = [padded(a.length), padded(b.length)];
      growMemory(memory, aBytes + bBytes + padded(n));
      const heap = new Float32Array(memory.buffer);
      // A one-element operand is written to four lanes and read with step 0.
      if (a.length === 1) heap.fill(a[0], 0, 4); else heap.set(a, 0);
      if (b.length === 1) heap.fill(b[0], aBytes >> 2, (aBytes >> 2) + 4); else heap.set(b, aBytes >> 2);
      const out = aBytes + bBytes;
      exports[op](0, a.length === 1 ? 0 : 16, aBytes, b.length === 1 ? 0 : 16, out, padded(n));
      return copyOut(heap.subarray(out >> 2, (out >> 2) + n), allocate);
    },
    sumColumns(x, rows, columns) {
      const xBytes = padded(x.length);
      growMemory(memory, xBytes + 8 * columns);
      new Float32Array(memory.buffer).set(x);
      const acc = new Float64Array(memory.buffer, xBytes, columns).fill(0);
      exports.sumColumns(0, rows, columns, xBytes);
      const sums = allocate(columns);
      sums.set(acc); // rounds each float64 sum to float32
      return sums;
    },
  };
}
