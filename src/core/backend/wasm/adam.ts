/**
 * The fused Adam sweep (Backend.adamStep, common case: no weight decay, parameter update applied)
 * as a WebAssembly SIMD kernel: four lanes of f32 arithmetic per instruction, where the JS loop
 * spends ~3 ns per element on scalar float64 division and square root. Inputs are copied into the
 * kernel's own memory and results copied out, so no caller array is ever written; the state a
 * step returns stays there too, and the next step finds it by identity (see createWasmAdam).
 *   mu' = mu b1 + g (1 - b1);  nu' = nu b2 + g^2 (1 - b2);  p' = p + ((mu' / (sqrt(nu') + eps)) stepScale) applyFactor
 * Arithmetic is float32 throughout (the JS kernel rounds only at the store), so results agree with
 * the composed formula to float32 rounding.
 */
import type { AdamHyper } from '../backend.js';
import { copyOut, zeroFilled, type Allocate } from '../copy-out.js';
import { add, addF32x4, Code, divF32x4, encodeModule, get, i32, loadV128, mulF32x4, splatF32x4, sqrtF32x4, type Expr } from './emit.js';


/** adam(g, mu, nu, p, out, muOut, nuOut: byte offsets; bytes: multiple of 16; b1, c1, b2, c2, stepScale, eps, applyFactor). */
const adamFunction = () => {
  const params = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32'] as const;
  const code = new Code(params);
  const [g, mu, nu, p, out, muOut, nuOut, bytes] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => code.param(i));
  const scalars = [8, 9, 10, 11, 12, 13, 14].map((i) => code.param(i));
  const [b1, c1, b2, c2, stepScale, eps, applyFactor] = scalars.map((s) => {
    const v = code.local('v128');
    code.set(v, splatF32x4(get(s)));
    return v;
  });
  const i = code.local('i32');
  const gi = code.local('v128');
  const m = code.local('v128');
  const v = code.local('v128');
  const at = (base: typeof g): Expr => add(get(base), get(i));
  code.forRange(i, i32(0), get(bytes), 16, (c) => {
    c.set(gi, loadV128(at(g)));
    c.set(m, addF32x4(mulF32x4(loadV128(at(mu)), get(b1)), mulF32x4(get(gi), get(c1))));
    c.set(v, addF32x4(mulF32x4(loadV128(at(nu)), get(b2)), mulF32x4(mulF32x4(get(gi), get(gi)), get(c2))));
    c.storeV128(at(muOut), get(m));
    c.storeV128(at(nuOut), get(v));
    const direction = mulF32x4(divF32x4(get(m), addF32x4(sqrtF32x4(get(v)), get(eps))), get(stepScale));
    c.storeV128(at(out), addF32x4(loadV128(at(p)), mulF32x4(direction, get(applyFactor))));
  });
  return { name: 'adam', params, results: [] as const, code };
};

export interface WasmAdam {
  /** The sweep for float32 arrays of one length; undefined when the hyper-parameters need the general kernel. */
  step(g: Float32Array, mu: Float32Array, nu: Float32Array, p: Float32Array, hyper: AdamHyper): { result: Float32Array; mu: Float32Array; nu: Float32Array } | undefined;
}

/**
 * One parameter's home in the kernel's memory: two sets (parities) of p, mu, nu regions. A step
 * reads one set and writes the other, so the state it hands out stays in memory for the next step.
 */
interface Slot {
  readonly base: number;
  readonly n: number;
  /** Bumped each time a parity is written, so an older array of the same parity no longer matches. */
  readonly generation: [number, number];
}

interface Resident {
  readonly slot: Slot;
  readonly parity: 0 | 1;
  readonly generation: number;
  /** Which of the set it is: 0 p, 1 mu, 2 nu. */
  readonly role: 0 | 1 | 2;
}

/** Past this many bytes of slots, they are all dropped and the next steps copy their state in again. */
const maximumSlotBytes = 64 * 2 ** 20;

/**
 * The kernel, or undefined where WebAssembly SIMD does not validate. The p, mu and nu a step
 * returns are fresh arrays, and their bits also stay in the kernel's memory: when the next step is
 * given exactly those arrays (recognised by identity, in a WeakMap; they are backend buffers, which
 * nothing writes), it reads them there instead of copying 3 arrays in.
 */
export const createWasmAdam = (allocate: Allocate = zeroFilled): WasmAdam | undefined => {
  const bytes = encodeModule([adamFunction()]);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const adam = instance.exports.adam as (...args: number[]) => void;
  let resident = new WeakMap<Float32Array, Resident>();
  let gRegion = 0; // the gradient's region, at 0, as large as the largest parameter
  let next = 0; // first free byte after the slots
  const ensure = (end: number): void => {
    if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  };
  const regionBytes = (n: number): number => Math.ceil(n / 4) * 16; // padded to whole vectors
  const at = (slot: Slot, parity: 0 | 1, k: 0 | 1 | 2): number => slot.base + (3 * parity + k) * regionBytes(slot.n);
  const view = (offset: number, n: number): Float32Array => new Float32Array(memory.buffer, offset, n);

  /** The slot whose `parity` set holds exactly these arrays' bits (p, mu, nu in their roles), if any. */
  const find = (n: number, arrays: readonly [Float32Array, Float32Array, Float32Array]): Resident | undefined => {
    const [first, ...rest] = arrays.map((x) => resident.get(x));
    const current = first !== undefined && first.role === 0 && first.slot.n === n && first.slot.generation[first.parity] === first.generation;
    const same = current && rest.every((r, i) => r !== undefined && r.role === i + 1 && r.slot === first.slot && r.parity === first.parity && r.generation === first.generation);
    return same ? first : undefined;
  };

  const newSlot = (n: number): Slot => {
    if (regionBytes(n) > gRegion || next + 6 * regionBytes(n) > maximumSlotBytes) {
      // Grow the gradient's region (or start over): every slot is dropped, the memory is reused.
      resident = new WeakMap();
      gRegion = Math.max(gRegion, regionBytes(n));
      next = gRegion;
    }
    const slot: Slot = { base: next, n, generation: [0, 0] };
    next += 6 * regionBytes(n);
    ensure(next);
    return slot;
  };

  return {
    step: (g, mu, nu, p, h) => {
      if ((h.coupledDecay ?? 0) !== 0 || (h.decoupledDecay ?? 0) !== 0 || h.applyFactor === undefined) return undefined;
      const n = g.length;
      const found = find(n, [p, mu, nu]);
      const slot = found?.slot ?? newSlot(n);
      const from: 0 | 1 = found?.parity ?? 0;
      if (found === undefined) [p, mu, nu].forEach((source, k) => view(at(slot, 0, k as 0 | 1 | 2), n).set(source));
      const to: 0 | 1 = from === 0 ? 1 : 0;
      slot.generation[to]++;
      view(0, n).set(g);
      adam(0, at(slot, from, 1), at(slot, from, 2), at(slot, from, 0), at(slot, to, 0), at(slot, to, 1), at(slot, to, 2), regionBytes(n),
        h.b1, 1 - h.b1, h.b2, 1 - h.b2, h.stepScale, h.epsScaled, h.applyFactor);
      const [result, muOut, nuOut] = ([0, 1, 2] as const).map((k) => copyOut(view(at(slot, to, k), n), allocate));
      ([result, muOut, nuOut] as const).forEach((x, role) => resident.set(x, { slot, parity: to, generation: slot.generation[to], role: role as 0 | 1 | 2 }));
      return { result, mu: muOut, nu: nuOut };
    },
  };
};
