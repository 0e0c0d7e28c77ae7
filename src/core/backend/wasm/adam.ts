/**
 * The fused Adam sweep (Backend.adamStep, common case: no weight decay, parameter update applied)
 * as a WebAssembly SIMD kernel: four lanes of f32 arithmetic per instruction, where the JS loop
 * spends ~3 ns per element on scalar float64 division and square root. No caller array is ever
 * written. The results live in the kernel's arena (arena.ts) and are handed out as views of it, so
 * the next step reads them in place and nothing is copied out; the caller recycles them with
 * `release` (fit does, for the state of steps it has finished with). When the arena is full the
 * results are copied out into fresh arrays instead (see createWasmAdam).
 *   mu' = mu b1 + g (1 - b1);  nu' = nu b2 + g^2 (1 - b2);  p' = p + ((mu' / (sqrt(nu') + eps)) stepScale) applyFactor
 * Arithmetic is float32 throughout (the JS kernel rounds only at the store), so results agree with
 * the composed formula to float32 rounding.
 */
import type { AdamHyper } from '../backend.js';
import { copyOut, zeroFilled, type Allocate } from '../copy-out.js';
import { createArena, type Arena, type Region } from './arena.js';
import { add, addF32x4, Code, divF32x4, encodeModule, get, i32, loadV128, mulF32x4, splatF32x4, sqrtF32x4, type Expr } from './emit.js';


/** adam(g, mu, nu, p, out, muOut, nuOut: byte offsets; bytes: multiple of 16; b1, c1, b2, c2, stepScale, eps, applyFactor). @internal */
export const adamFunction = () => {
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
  /**
   * The sweep for float32 arrays of one length; undefined when the hyper-parameters need the
   * general kernel. The three results are resident arrays of the kernel's arena (arena.ts) while
   * it has room, fresh arrays otherwise; either way nothing ever writes them until `release`.
   */
  step(g: Float32Array, mu: Float32Array, nu: Float32Array, p: Float32Array, hyper: AdamHyper): { result: Float32Array; mu: Float32Array; nu: Float32Array } | undefined;
  /** Where the results live: release them there (fit does), check and persist them. */
  readonly arena: Arena;
}

/** The arena's size: the MLP's state for three steps (fit's working set) is ~7.5 MB. */
export const defaultArenaBytes = 32 * 2 ** 20;

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

/** The sweep, bound to one memory (adamFunction's parameters). @internal */
export type AdamSweep = (...args: number[]) => void;
type Step = WasmAdam['step'];

/**
 * Where the results live: an arena and the sweep instantiated over its memory. The threaded
 * matmul offers one in its shared memory, so that the next forward reads the new weights in place.
 */
export interface AdamHome {
  readonly arena: Arena;
  readonly sweep: AdamSweep;
  /** Other arenas of the same memory, whose live arrays (a gradient computed in place) are read where they are. */
  readonly readable?: readonly Arena[];
}

/**
 * The kernel, or undefined where WebAssembly SIMD does not validate. Results go to the arena
 * (`home`'s, or one of `defaultArenaBytes` of its own; a number is that size, 0 for none) while it
 * has room: inputs that are its live arrays are read in place, the others copied in, and nothing
 * is copied out. When it is full, the copying path below runs.
 */
export const createWasmAdam = (allocate: Allocate = zeroFilled, home: AdamHome | number = defaultArenaBytes): WasmAdam | undefined => {
  const bytes = encodeModule([adamFunction()]);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return undefined;
  const module = new WebAssembly.Module(bytes);
  const sweepOver = (memory: WebAssembly.Memory): AdamSweep => new WebAssembly.Instance(module, { env: { memory } }).exports.adam as AdamSweep;
  const own = typeof home === 'number' ? createArena(home) : home.arena;
  if (own === undefined) return undefined;
  const arena = own;
  const sweep = typeof home === 'number' ? sweepOver(arena.memory) : home.sweep;
  const readable = typeof home === 'number' ? [] : home.readable ?? [];
  const copying = copyingStep(sweepOver, allocate);

  const resident: Step = (g, mu, nu, p, h) => {
    const n = g.length;
    const taken: Region[] = [];
    const temporaries: Region[] = [];
    const take = (): Region | undefined => {
      const region = arena.take(n);
      if (region !== undefined) taken.push(region);
      return region;
    };
    // An input already in the arena is read where it is; any other is copied into a temporary.
    const place = (x: Float32Array): number | undefined => {
      const home = arena.regionOf('adam', x, n) ?? readable.reduce<Region | undefined>((found, other) => found ?? other.regionOf('adam', x, n), undefined);
      if (home !== undefined) return home.at;
      const region = take();
      if (region === undefined) return undefined;
      temporaries.push(region);
      new Float32Array(arena.memory.buffer, region.at, n).set(x);
      return region.at;
    };
    // Room for the results first: when the arena is full, nothing has been copied in vain.
    const outputs = [take(), take(), take()];
    const inputs = outputs.every((r) => r !== undefined) ? [g, mu, nu, p].map(place) : [];
    const [gAt, muAt, nuAt, pAt] = inputs;
    const [outAt, muOutAt, nuOutAt] = outputs.map((r) => r?.at);
    if (gAt === undefined || muAt === undefined || nuAt === undefined || pAt === undefined || outAt === undefined || muOutAt === undefined || nuOutAt === undefined) {
      taken.forEach((region) => arena.give(region));
      return undefined;
    }
    sweep(gAt, muAt, nuAt, pAt, outAt, muOutAt, nuOutAt, outputs[0]?.bytes ?? 0, h.b1, 1 - h.b1, h.b2, 1 - h.b2, h.stepScale, h.epsScaled, h.applyFactor ?? 0);
    temporaries.forEach((region) => arena.give(region));
    const [result, muOut, nuOut] = outputs.map((region) => arena.view(region as Region, n));
    return { result, mu: muOut, nu: nuOut };
  };

  return {
    step: (g, mu, nu, p, h) => {
      if ((h.coupledDecay ?? 0) !== 0 || (h.decoupledDecay ?? 0) !== 0 || h.applyFactor === undefined) return undefined;
      for (const x of [g, mu, nu, p]) arena.regionOf('adam', x);
      return resident(g, mu, nu, p, h) ?? copying(g, mu, nu, p, h);
    },
    arena,
  };
};

/**
 * The copying path, for when the arena is full: its own growable memory, results copied out into
 * fresh arrays. The p, mu and nu a step returns also stay in its memory: when the next step is
 * given exactly those arrays (recognised by identity, in a WeakMap; they are backend buffers,
 * which nothing writes), it reads them there instead of copying 3 arrays in.
 */
const copyingStep = (sweepOver: (memory: WebAssembly.Memory) => AdamSweep, allocate: Allocate): Step => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const adam = sweepOver(memory);
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

  return (g, mu, nu, p, h) => {
    const n = g.length;
    const found = find(n, [p, mu, nu]);
    const slot = found?.slot ?? newSlot(n);
    const from: 0 | 1 = found?.parity ?? 0;
    if (found === undefined) [p, mu, nu].forEach((source, k) => view(at(slot, 0, k as 0 | 1 | 2), n).set(source));
    const to: 0 | 1 = from === 0 ? 1 : 0;
    slot.generation[to]++;
    view(0, n).set(g);
    adam(0, at(slot, from, 1), at(slot, from, 2), at(slot, from, 0), at(slot, to, 0), at(slot, to, 1), at(slot, to, 2), regionBytes(n),
      h.b1, 1 - h.b1, h.b2, 1 - h.b2, h.stepScale, h.epsScaled, h.applyFactor ?? 0);
    const [result, muOut, nuOut] = ([0, 1, 2] as const).map((k) => copyOut(view(at(slot, to, k), n), allocate));
    ([result, muOut, nuOut] as const).forEach((x, role) => resident.set(x, { slot, parity: to, generation: slot.generation[to], role: role as 0 | 1 | 2 }));
    return { result, mu: muOut, nu: nuOut };
  };
};
