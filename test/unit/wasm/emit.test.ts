/** The byte emitter's encodings, checked against the spec's examples and by round trip. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Code, encodeModule, get, i32, i64, add, atomicAdd, atomicLoad, atomicWait32, signedLeb, unsignedLeb } from '../../../src/core/backend/wasm/emit.js';

function decodeUnsigned(bytes: readonly number[]): number {
  return bytes.reduce((value, byte, index) => value + (byte & 0x7f) * 2 ** (7 * index), 0);
}

function decodeSigned(bytes: readonly number[]): number {
  const value = decodeUnsigned(bytes);
  const bits = 7 * bytes.length;
  return ((bytes[bytes.length - 1] as number) & 0x40) !== 0 ? value - 2 ** bits : value;
}

describe('wasm emitter', () => {
  it('encodes LEB128 as the spec examples do', () => {
    expect(unsignedLeb(0)).toEqual([0x00]);
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb(0x105)).toEqual([0x85, 0x02]); // f32x4.relaxed_madd's opcode
    expect(signedLeb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb(-1)).toEqual([0x7f]);
    expect(signedLeb(64)).toEqual([0xc0, 0x00]);
  });

  it('round-trips every u32 and i32, with continuation bits on all but the last byte', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (value) => {
      const bytes = unsignedLeb(value);
      return decodeUnsigned(bytes) === value && bytes.every((byte, i) => (byte >= 0x80) === (i < bytes.length - 1));
    }));
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => decodeSigned(signedLeb(value)) === value));
  });

  it('builds a module the engine validates and runs', () => {
    const code = new Code(['i32', 'i32']);
    code.emit(add(get(code.param(0)), add(get(code.param(1)), i32(-3))));
    const bytes = encodeModule([{ name: 'addMinus3', params: code.params, results: ['i32'], code }]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    expect((instance.exports.addMinus3 as (x: number, y: number) => number)(40, 5)).toBe(42);
  });

  it('builds a module over a shared memory whose atomics the engine runs', () => {
    // bump(addr): memory[addr] += 5, returning the old value; peek(addr); waitIfNot(addr, v): wait32 with a 0 ns timeout.
    const bump = new Code(['i32']);
    bump.emit(atomicAdd(get(bump.param(0)), i32(5)));
    const peek = new Code(['i32']);
    peek.emit(atomicLoad(get(peek.param(0)), 4));
    const waitIfNot = new Code(['i32', 'i32']);
    waitIfNot.emit(atomicWait32(get(waitIfNot.param(0)), get(waitIfNot.param(1)), i64(0)));
    const bytes = encodeModule([
      { name: 'bump', params: bump.params, results: ['i32'], code: bump },
      { name: 'peek', params: peek.params, results: ['i32'], code: peek },
      { name: 'waitIfNot', params: waitIfNot.params, results: ['i32'], code: waitIfNot },
    ], { shared: { maximumPages: 2 } });
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => number>;
    new Int32Array(memory.buffer)[3] = 37;
    expect([exports.bump?.(8), exports.bump?.(8), exports.peek?.(8), exports.peek?.(4)]).toEqual([0, 5, 37, 10]);
    expect([exports.waitIfNot?.(8), exports.waitIfNot?.(8, 10)]).toEqual([1, 2]); // not-equal, then timed out
    // A plain (unshared) memory does not satisfy a shared import.
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } })).toThrow();
  });
});
