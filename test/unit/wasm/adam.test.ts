/**
 * The WebAssembly Adam sweep keeps the state it returns in its memory: in its arena, handed out
 * as views until released (arena.ts), or, when the arena is full, in a copying path that still
 * recognises its own results. Neither may ever change a result: a run of steps on one kernel gives
 * bitwise what a fresh copying kernel gives at each step, also when the caller goes back to older
 * state, swaps mu and nu, interleaves several parameters or sizes, or releases old state so that
 * its memory is reused; no input array is written; and a released array is refused, loudly.
 */
import { describe, it, expect } from 'vitest';
import { BackendError } from '../../../src/core/errors.js';
import { createWasmAdam, defaultArenaBytes } from '../../../src/core/backend/wasm/adam.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createThreadedWasmMatmul } from '../../../src/core/backend/wasm/threaded.js';
import { seededFloats } from './reference.js';

const hyper = { b1: 0.9, b2: 0.999, stepScale: -1e-3, epsScaled: 1e-8, applyFactor: 1 };
const probe = createWasmAdam();
if (probe === undefined) console.warn('wasm adam: WebAssembly SIMD is unavailable here; its tests are skipped');
const suite = probe === undefined ? describe.skip : describe;

type State = { p: Float32Array; mu: Float32Array; nu: Float32Array };
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

suite.each([
  ['the arena', defaultArenaBytes],
  ['the copying path (no arena)', 0],
] as const)('wasm adam residency, %s', (_, arenaBytes) => {
  const fresh = (g: Float32Array, s: State): State => {
    const out = createWasmAdam(undefined, 0)?.step(g, s.mu, s.nu, s.p, hyper);
    if (out === undefined) throw new Error('wasm adam did not run');
    return { p: out.result, mu: out.mu, nu: out.nu };
  };

  it('gives a fresh kernel\'s bits step after step, for interleaved parameters of several sizes', () => {
    const kernel = createWasmAdam(undefined, arenaBytes);
    const sizes = [5, 4, 1027, 5];
    let states: State[] = sizes.map((n, i) => ({ p: seededFloats(n, i), mu: new Float32Array(n), nu: new Float32Array(n) }));
    for (let step = 0; step < 6; step++) {
      states = states.map((s, i) => {
        const g = seededFloats(s.p.length, 100 * step + i);
        const copies = [g, s.p, s.mu, s.nu].map((x) => x.slice());
        const out = kernel?.step(g, s.mu, s.nu, s.p, hyper);
        if (out === undefined) throw new Error('wasm adam did not run');
        [g, s.p, s.mu, s.nu].forEach((x, k) => expect(bits(x)).toEqual(bits(copies[k])));
        const expected = fresh(g, s);
        expect([bits(out.result), bits(out.mu), bits(out.nu)]).toEqual([bits(expected.p), bits(expected.mu), bits(expected.nu)]);
        return { p: out.result, mu: out.mu, nu: out.nu };
      });
    }
  });

  it('is not fooled by older state, by swapped mu and nu, or by a copy of the state', () => {
    const kernel = createWasmAdam(undefined, arenaBytes);
    const n = 9;
    const s0: State = { p: seededFloats(n, 1), mu: seededFloats(n, 2).map(Math.abs), nu: seededFloats(n, 3).map(Math.abs) };
    const run = (g: Float32Array, s: State): State => {
      const out = kernel?.step(g, s.mu, s.nu, s.p, hyper);
      if (out === undefined) throw new Error('wasm adam did not run');
      return { p: out.result, mu: out.mu, nu: out.nu };
    };
    const g = seededFloats(n, 4);
    const s1 = run(g, s0);
    const s2 = run(g, s1);
    run(g, s2); // overwrites the set s1 came from
    const cases: State[] = [s1, { p: s2.p, mu: s2.nu, nu: s2.mu }, { p: s2.p.slice(), mu: s2.mu, nu: s2.nu }, s2];
    for (const s of cases) {
      const actual = run(g, s);
      const expected = fresh(g, s);
      expect([bits(actual.p), bits(actual.mu), bits(actual.nu)]).toEqual([bits(expected.p), bits(expected.mu), bits(expected.nu)]);
    }
  });
});

suite('wasm adam arena: release and persist', () => {
  const step = (kernel: NonNullable<ReturnType<typeof createWasmAdam>>, g: Float32Array, s: State): State => {
    const out = kernel.step(g, s.mu, s.nu, s.p, hyper);
    if (out === undefined) throw new Error('wasm adam did not run');
    return { p: out.result, mu: out.mu, nu: out.nu };
  };
  const start = (n: number, seed: number): State => ({ p: seededFloats(n, seed), mu: new Float32Array(n), nu: new Float32Array(n) });

  it('recycles released state and still gives the copying path\'s bits, step after step', () => {
    const kernel = createWasmAdam() as NonNullable<ReturnType<typeof createWasmAdam>>;
    const copying = createWasmAdam(undefined, 0) as NonNullable<ReturnType<typeof createWasmAdam>>;
    const sizes = [1027, 5, 1027];
    let states = sizes.map((n, i) => start(n, i));
    let expected = states;
    let older: State[] = [];
    const inUse: number[] = [];
    for (let t = 0; t < 12; t++) {
      const gs = sizes.map((n, i) => seededFloats(n, 50 * t + i));
      const next = states.map((s, i) => step(kernel, gs[i], s));
      expected = expected.map((s, i) => step(copying, gs[i], s));
      next.forEach((s, i) => expect([bits(s.p), bits(s.mu), bits(s.nu)]).toEqual([bits(expected[i].p), bits(expected[i].mu), bits(expected[i].nu)]));
      // As fit does: the state two steps back is released once the next one exists.
      kernel.arena.release(older.flatMap((s) => [s.p, s.mu, s.nu]));
      older = states;
      states = next;
      inUse.push(kernel.arena.bytesInUse());
    }
    // Three states of every parameter at most (released regions are reused, not piled up).
    const perState = sizes.reduce((total, n) => total + 3 * Math.ceil(n / 4) * 16, 0);
    expect(Math.max(...inUse)).toBeLessThanOrEqual(3 * perState);
    expect(inUse.slice(-4)).toEqual(Array(4).fill(inUse[inUse.length - 1]));
  });

  it('refuses a released array, naming the caller, and persist gives a copy that outlives the release', () => {
    const kernel = createWasmAdam() as NonNullable<ReturnType<typeof createWasmAdam>>;
    const n = 33;
    const s1 = step(kernel, seededFloats(n, 1), start(n, 2));
    const kept = kernel.arena.persist(s1.p, (n) => new Float32Array(n));
    const keptBits = bits(kept);
    expect(kept).not.toBe(s1.p);
    expect(keptBits).toEqual(bits(s1.p));
    const plain = seededFloats(n, 3);
    expect(kernel.arena.persist(plain, (n) => new Float32Array(n))).toBe(plain); // not the arena's: nothing to copy
    kernel.arena.release([s1.p, s1.mu, s1.nu]);
    kernel.arena.release([s1.p]); // a second release is ignored
    expect(() => kernel.arena.check('matmul', s1.p)).toThrow(BackendError);
    expect(() => kernel.arena.check('matmul', s1.p)).toThrow(/matmul.*released/);
    expect(() => step(kernel, seededFloats(n, 4), s1)).toThrow(/released/);
    expect(() => kernel.arena.persist(s1.mu, (n) => new Float32Array(n))).toThrow(/released/);
    // The released memory is reused by the next results; the persisted copy is untouched.
    const s2 = step(kernel, seededFloats(n, 5), start(n, 6));
    step(kernel, seededFloats(n, 7), s2);
    expect(bits(kept)).toEqual(keptBits);
    kernel.arena.check('matmul', s2.p);
  });

  it('copies its results out when the arena is full, with the same bits', () => {
    const small = createWasmAdam(undefined, 65536) as NonNullable<ReturnType<typeof createWasmAdam>>;
    const copying = createWasmAdam(undefined, 0) as NonNullable<ReturnType<typeof createWasmAdam>>;
    const n = 5000; // 20 KB a region: g, mu, nu, p and three results need 140 KB
    const g = seededFloats(n, 8);
    const out = step(small, g, start(n, 9));
    const expected = step(copying, g, start(n, 9));
    expect(small.arena.bytesInUse()).toBe(0);
    expect(out.p.buffer.byteLength).toBe(4 * n); // an array of its own, not a view of the arena
    expect([bits(out.p), bits(out.mu), bits(out.nu)]).toEqual([bits(expected.p), bits(expected.mu), bits(expected.nu)]);
  });
});

const spawner = nodeThreadSpawner();
describe.runIf(probe !== undefined && spawner !== undefined)('wasm adam in the threaded kernel\'s arena', () => {
  it('shares large sweeps with the worker and gives the copying path\'s bits, in place across steps', async () => {
    const threaded = createThreadedWasmMatmul({ threads: 2, spawner: spawner as NonNullable<typeof spawner>, arenaBytes: 8 << 20 });
    try {
      await threaded?.ready();
      const home = threaded?.home;
      if (home === undefined) throw new Error('no arenas');
      const kernel = createWasmAdam(undefined, home) as NonNullable<ReturnType<typeof createWasmAdam>>;
      const copying = createWasmAdam(undefined, 0) as NonNullable<ReturnType<typeof createWasmAdam>>;
      for (const n of [100_003, 70_000, 13]) { // 400 KB and 280 KB sweeps are shared (chunks of 64 KB), 13 floats not
        let s: State = { p: seededFloats(n, 1), mu: new Float32Array(n), nu: new Float32Array(n) };
        let expected = s;
        for (let t = 0; t < 3; t++) {
          const g = seededFloats(n, 10 + t);
          const out = kernel.step(g, s.mu, s.nu, s.p, hyper);
          const ref = copying.step(g, expected.mu, expected.nu, expected.p, hyper);
          if (out === undefined || ref === undefined) throw new Error('wasm adam did not run');
          expect(out.result.buffer).toBe(home.arena.memory.buffer); // in the shared arena
          expect([bits(out.result), bits(out.mu), bits(out.nu)]).toEqual([bits(ref.result), bits(ref.mu), bits(ref.nu)]);
          home.arena.release([s.p, s.mu, s.nu]);
          s = { p: out.result, mu: out.mu, nu: out.nu };
          expected = { p: ref.result, mu: ref.mu, nu: ref.nu };
        }
      }
    } finally {
      await threaded?.close();
    }
  });
});
