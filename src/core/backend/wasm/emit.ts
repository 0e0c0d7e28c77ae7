/**
 * A tiny WebAssembly binary emitter: enough of the module format (types, one imported memory,
 * plain or shared, functions, exports) and of the instruction set (i32, i64, f32, f64, v128 incl. the 0xFD
 * SIMD prefix, and the 0xFE atomics the thread pool synchronises with) to write the matmul
 * kernels in TypeScript without a WAT file, an assembler dependency or a build step. Code is written as expression trees (`Expr` emits its operands, then its opcode), so a
 * kernel reads like `c.set(acc, madd(a, b, get(acc)))` instead of a stack listing.
 *
 * @internal Only the wasm backend uses this; it checks nothing the engine's validator would not.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const valTypeByte: { readonly [T in ValType]: number } = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** A parameter or declared local of the function being built. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** Something that leaves one value on the stack when emitted. */
export type Expr = (code: Code) => void;

// ---- LEB128 and raw encodings -------------------------------------------------------------

export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
}

export function signedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7; // arithmetic shift keeps the sign
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8Name(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...unsignedLeb(bytes.length), ...bytes];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

// ---- function bodies ----------------------------------------------------------------------

/** The body of one function: declared locals plus an instruction byte stream. */
export class Code {
  readonly bytes: number[] = [];
  private readonly declared: ValType[] = [];

  constructor(readonly params: readonly ValType[]) {}

  param(index: number): Local {
    const type = this.params[index];
    if (type === undefined) throw new RangeError(`emit: no parameter ${index}`);
    return { index, type };
  }

  local(type: ValType): Local {
    this.declared.push(type);
    return { index: this.params.length + this.declared.length - 1, type };
  }

  op(...bytes: readonly number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  /** Emits expressions purely for their values (e.g. the operands of an opcode). */
  emit(...values: readonly Expr[]): this {
    for (const value of values) value(this);
    return this;
  }

  set(target: Local, value: Expr): this {
    return this.emit(value).op(0x21, ...unsignedLeb(target.index));
  }

  /** `memory[addr + offset] = value` as f32. */
  storeF32(addr: Expr, value: Expr, offset = 0): this {
    return this.emit(addr, value).op(0x38, 2, ...unsignedLeb(offset));
  }

  /** `memory[addr + offset] = value` as f64. */
  storeF64(addr: Expr, value: Expr, offset = 0): this {
    return this.emit(addr, value).op(0x39, 3, ...unsignedLeb(offset));
  }

  /** `memory[addr + offset] = value` as i32. */
  storeI32(addr: Expr, value: Expr, offset = 0): this {
    return this.emit(addr, value).op(0x36, 2, ...unsignedLeb(offset));
  }

  /** `memory[addr + offset .. +16] = value` as v128 (alignment hint 16; unaligned is legal). */
  storeV128(addr: Expr, value: Expr, offset = 0): this {
    return this.emit(addr, value).op(0xfd, ...unsignedLeb(0x0b), 4, ...unsignedLeb(offset));
  }

  /** `if (cond) { then } else { otherwise }` with no result value. */
  ifThen(cond: Expr, then: (c: Code) => void, otherwise?: (c: Code) => void): this {
    this.emit(cond).op(0x04, 0x40);
    then(this);
    if (otherwise !== undefined) {
      this.op(0x05);
      otherwise(this);
    }
    return this.op(0x0b);
  }

  /** `for (i = from; i < to; i += step) body` with signed compare, test at the top. */
  forRange(i: Local, from: Expr, to: Expr, step: number, body: (c: Code) => void): this {
    this.set(i, from);
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    this.emit(get(i), to).op(0x4e, 0x0d, 1); // i32.ge_s; br_if to the block's end
    body(this);
    this.set(i, add(get(i), i32(step)));
    return this.op(0x0c, 0, 0x0b, 0x0b); // br loop; end loop; end block
  }

  /** `do { body } while (cond)`: the cheapest loop shape, for counts known to be ≥ 1. */
  doWhile(body: (c: Code) => void, cond: Expr): this {
    this.op(0x03, 0x40);
    body(this);
    return this.emit(cond).op(0x0d, 0, 0x0b);
  }

  /** `while (cond) body`, test at the top; `body` must not branch out of the loop itself. */
  whileLoop(cond: Expr, body: (c: Code) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    this.emit(cond).op(0x45, 0x0d, 1); // i32.eqz; br_if to the block's end
    body(this);
    return this.op(0x0c, 0, 0x0b, 0x0b);
  }

  /** Evaluates an expression and discards its value (a call's or an atomic's result). */
  drop(value: Expr): this {
    return this.emit(value).op(0x1a);
  }

  /** Returns from the function (which must have no results). */
  ret(): this {
    return this.op(0x0f);
  }

  /** Returns `value` from a function with one result. */
  retValue(value: Expr): this {
    return this.emit(value).op(0x0f);
  }

  /** `memory[addr + offset] = value` as i32, sequentially consistent (`i32.atomic.store`). */
  atomicStore(addr: Expr, value: Expr, offset = 0): this {
    return this.emit(addr, value).op(...atomic(0x17, offset));
  }

  /** The code-section entry: size, local declarations (runs of one type grouped), body, end. */
  encode(): number[] {
    const runs: [number, ValType][] = [];
    for (const type of this.declared) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    const locals = vector(runs.map(([count, type]) => [...unsignedLeb(count), valTypeByte[type]]));
    const body = [...locals, ...this.bytes, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  }
}

// ---- expressions --------------------------------------------------------------------------

const simd = (opcode: number, ...immediates: readonly number[]): readonly number[] => [0xfd, ...unsignedLeb(opcode), ...immediates];
const binary = (bytes: readonly number[]) => (left: Expr, right: Expr): Expr => (c) => c.emit(left, right).op(...bytes);

export const get = (local: Local): Expr => (c) => c.op(0x20, ...unsignedLeb(local.index));
/** Stores into `local` and keeps the value on the stack (`local.tee`). */
export const tee = (local: Local, value: Expr): Expr => (c) => c.emit(value).op(0x22, ...unsignedLeb(local.index));
export const i32 = (value: number): Expr => (c) => c.op(0x41, ...signedLeb(value));
export const f32 = (value: number): Expr => (c) => {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  c.op(0x43, ...bytes);
};

/** An i64 constant; only the atomics' timeout operand needs one. */
export const i64 = (value: number): Expr => (c) => c.op(0x42, ...signedLeb(value));

export const add = binary([0x6a]);
export const sub = binary([0x6b]);
export const mul = binary([0x6c]);
export const divU = binary([0x6e]);
export const and = binary([0x71]);
export const or = binary([0x72]);
export const shl = binary([0x74]);
export const eq = binary([0x46]);
export const ne = binary([0x47]);
export const ltS = binary([0x48]);
export const geS = binary([0x4e]);
/** `cond ? whenTrue : whenFalse` for i32 values (both operands are evaluated). */
export const select = (whenTrue: Expr, whenFalse: Expr, cond: Expr): Expr => (c) => c.emit(whenTrue, whenFalse, cond).op(0x1b);
/** Signed minimum; emits each operand twice, so pass only cheap, side-effect-free expressions. */
export const minS = (left: Expr, right: Expr): Expr => select(left, right, ltS(left, right));

export const shrU = binary([0x76]);
export const shrS = binary([0x75]);
export const xor = binary([0x73]);
export const gtS = binary([0x4a]);

export const eqz = (value: Expr): Expr => (c) => c.emit(value).op(0x45);
export const loadI32 = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(0x28, 2, ...unsignedLeb(offset));
/** Calls function `index` of this module (its position in the list given to encodeModule). */
export const call = (index: number, ...args: readonly Expr[]): Expr => (c) => c.emit(...args).op(0x10, ...unsignedLeb(index));

// Atomics take exactly the natural alignment (2 for i32) and are sequentially consistent.
const atomic = (opcode: number, offset: number): readonly number[] => [0xfe, ...unsignedLeb(opcode), 2, ...unsignedLeb(offset)];
export const atomicLoad = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(...atomic(0x10, offset));
/** Adds `value` to the i32 at `addr + offset` and yields the value it held before. */
export const atomicAdd = (addr: Expr, value: Expr, offset = 0): Expr => (c) => c.emit(addr, value).op(...atomic(0x1e, offset));
/** Wakes up to `count` (-1: all) agents waiting on the address; yields how many woke. */
export const atomicNotify = (addr: Expr, count: Expr, offset = 0): Expr => (c) => c.emit(addr, count).op(...atomic(0x00, offset));
/**
 * Sleeps while the i32 at the address equals `expected` (timeout in ns, -1 = none); yields 0 woken,
 * 1 not-equal, 2 timed out. Traps on unshared memory and where the agent may not block.
 */
export const atomicWait32 = (addr: Expr, expected: Expr, timeoutNs: Expr, offset = 0): Expr => (c) =>
  c.emit(addr, expected, timeoutNs).op(...atomic(0x01, offset));

export const loadF32 = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(0x2a, 2, ...unsignedLeb(offset));
export const addF32 = binary([0x92]);
export const mulF32 = binary([0x94]);
export const maxF32 = binary([0x97]);
export const eqF32 = binary([0x5b]);
export const loadF64 = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(0x2b, 3, ...unsignedLeb(offset));
export const addF64 = binary([0xa0]);
export const subF64 = binary([0xa1]);
export const mulF64 = binary([0xa2]);
export const divF64 = binary([0xa3]);
export const eqF64 = binary([0x61]);
export const ltF64 = binary([0x63]);
export const gtF64 = binary([0x64]);
export const f64 = (value: number): Expr => (c) => {
  c.op(0x44, ...new Uint8Array(new Float64Array([value]).buffer));
};
export const promoteF32 = (x: Expr): Expr => (c) => c.emit(x).op(0xbb);
/** f64 to f32, rounding to nearest (`f32.demote_f64`). */
export const demoteF64 = (x: Expr): Expr => (c) => c.emit(x).op(0xb6);
/** f64 to i32, truncating toward zero (`i32.trunc_f64_s`; traps outside the i32 range and on NaN). */
export const truncF64 = (x: Expr): Expr => (c) => c.emit(x).op(0xaa);
/** i32 to f64, exactly (`f64.convert_i32_s`). */
export const convertI32 = (x: Expr): Expr => (c) => c.emit(x).op(0xb7);
/** The high 32 bits of an f64, as an i32. */
export const highWord = (x: Expr): Expr => (c) => c.emit(x).op(0xbd).emit(i64(32)).op(0x88, 0xa7);
/** The low 32 bits of an f64, as an i32. */
export const lowWord = (x: Expr): Expr => (c) => c.emit(x).op(0xbd, 0xa7);
/** The f64 whose high and low words are these i32 values. */
export const fromWords = (high: Expr, low: Expr): Expr => (c) =>
  c.emit(high).op(0xad).emit(i64(32)).op(0x86).emit(low).op(0xad, 0x84, 0xbf);

export const loadV128 = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(...simd(0x00, 4, ...unsignedLeb(offset)));
/** One f32 from memory broadcast to all four lanes (`v128.load32_splat`). */
export const loadSplat = (addr: Expr, offset = 0): Expr => (c) => c.emit(addr).op(...simd(0x09, 2, ...unsignedLeb(offset)));
export const zeroV128: Expr = (c) => c.op(...simd(0x0c, ...new Array<number>(16).fill(0)));
export const addF32x4 = binary(simd(0xe4));
export const subF32x4 = binary(simd(0xe5));
export const mulF32x4 = binary(simd(0xe6));
export const divF32x4 = binary(simd(0xe7));
export const maxF32x4 = binary(simd(0xe9));
export const sqrtF32x4 = (x: Expr): Expr => (c) => c.emit(x).op(...simd(0xe3));
export const splatF32x4 = (x: Expr): Expr => (c) => c.emit(x).op(...simd(0x13));
/** Lane comparisons: all ones where the comparison holds, else zero (NaN compares false, but `ne`). */
export const eqF32x4 = binary(simd(0x41));
export const neF32x4 = binary(simd(0x42));
export const gtF32x4 = binary(simd(0x44));
export const geF32x4 = binary(simd(0x46));
/** 1 if every i32 lane is non-zero. */
export const allTrueI32x4 = (x: Expr): Expr => (c) => c.emit(x).op(...simd(0xa3));
/** `(whenSet & mask) | (whenClear & ~mask)`, bit by bit. */
export const bitselect = (whenSet: Expr, whenClear: Expr, mask: Expr): Expr => (c) => c.emit(whenSet, whenClear, mask).op(...simd(0x52));
export const addF64x2 = binary(simd(0xf0));
/** Lanes 0 and 1 of an f32x4, widened to an f64x2. */
export const promoteLowF32x4 = (x: Expr): Expr => (c) => c.emit(x).op(...simd(0x5f));
export const andV128 = binary(simd(0x4e));
export const orV128 = binary(simd(0x50));
/** 1 if any bit of the vector is set (so -0.0 counts as set), else 0. */
export const anyTrue = (value: Expr): Expr => (c) => c.emit(value).op(...simd(0x53));
export const eqI32x4 = binary(simd(0x37));
export const subI32x4 = binary(simd(0xb1));
export const extractLaneI32x4 = (value: Expr, lane: number): Expr => (c) => c.emit(value).op(...simd(0x1b, lane));
/** `a * b + c` per lane; fused or not at the engine's choice (relaxed SIMD). */
export const relaxedMadd = (a: Expr, b: Expr, acc: Expr): Expr => (c) => c.emit(a, b, acc).op(...simd(0x105));

/** Picks f32 lanes 0-3 from `left` and 4-7 from `right` (`i8x16.shuffle` on whole words). */
export const shuffleF32 = (left: Expr, right: Expr, lanes: readonly [number, number, number, number]): Expr => (c) =>
  c.emit(left, right).op(...simd(0x0d, ...lanes.flatMap((lane) => [0, 1, 2, 3].map((byte) => lane * 4 + byte))));

// ---- modules ------------------------------------------------------------------------------

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly code: Code;
}

/** The imported memory's limits; a shared memory (threads) must declare its maximum. */
export interface MemoryImport {
  readonly initialPages?: number;
  readonly shared?: { readonly maximumPages: number };
}

/**
 * A module importing one memory as `env.memory` (so the owner can grow it and re-view it from
 * JavaScript, and share it with workers) and exporting every function under its name. One type
 * per function keeps the encoder trivial; duplicate signatures are legal.
 */
export function encodeModule(functions: readonly FunctionDef[], memory: MemoryImport = {}): Uint8Array<ArrayBuffer> {
  const section = (id: number, payload: readonly number[]): number[] => [id, ...unsignedLeb(payload.length), ...payload];
  const types = vector(
    functions.map((f) => [0x60, ...vector(f.params.map((t) => [valTypeByte[t]])), ...vector(f.results.map((t) => [valTypeByte[t]]))]),
  );
  const initial = unsignedLeb(memory.initialPages ?? 1);
  // Limits flags: 0x00 = min only, 0x03 = shared with min and max.
  const limits = memory.shared === undefined ? [0x00, ...initial] : [0x03, ...initial, ...unsignedLeb(memory.shared.maximumPages)];
  const imports = vector([[...utf8Name('env'), ...utf8Name('memory'), 0x02, ...limits]]);
  const declarations = vector(functions.map((_, index) => unsignedLeb(index)));
  const exports = vector(functions.map((f, index) => [...utf8Name(f.name), 0x00, ...unsignedLeb(index)]));
  const bodies = vector(functions.map((f) => f.code.encode()));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, declarations),
    ...section(7, exports),
    ...section(10, bodies),
  ]);
}

/**
 * Transposes the 4×4 block held in `rows` (four v128 of four f32): sets `pairs` to the rows
 * interleaved pairwise and returns the four columns (the classic unpack lo/hi transpose). `pairs`
 * may not alias `rows`.
 */
export function transpose4x4(c: Code, rows: readonly [Local, Local, Local, Local], pairs: readonly [Local, Local, Local, Local]): readonly Expr[] {
  c.set(pairs[0], shuffleF32(get(rows[0]), get(rows[1]), [0, 4, 1, 5]));
  c.set(pairs[1], shuffleF32(get(rows[0]), get(rows[1]), [2, 6, 3, 7]));
  c.set(pairs[2], shuffleF32(get(rows[2]), get(rows[3]), [0, 4, 1, 5]));
  c.set(pairs[3], shuffleF32(get(rows[2]), get(rows[3]), [2, 6, 3, 7]));
  return [
    shuffleF32(get(pairs[0]), get(pairs[2]), [0, 1, 4, 5]),
    shuffleF32(get(pairs[0]), get(pairs[2]), [2, 3, 6, 7]),
    shuffleF32(get(pairs[1]), get(pairs[3]), [0, 1, 4, 5]),
    shuffleF32(get(pairs[1]), get(pairs[3]), [2, 3, 6, 7]),
  ];
}
