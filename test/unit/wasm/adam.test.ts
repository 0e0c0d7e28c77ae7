/**
 * The WebAssembly Adam sweep keeps the state it returns in its memory and, given exactly those
 * arrays back, reads them there instead of copying them in. That must never change a result: a
 * run of steps on one kernel gives bitwise what a fresh kernel (which copies everything in) gives
 * at each step, also when the caller goes back to older state, swaps mu and nu, interleaves several
 * parameters or sizes, and no input array is written.
 */
import { describe, it, expect } from 'vitest';
import { createWasmAdam } from '../../../src/core/backend/wasm/adam.js';
import { seededFloats } from './reference.js';

const hyper = { b1: 0.9, b2: 0.999, stepScale: -1e-3, epsScaled: 1e-8, applyFactor: 1 };
const probe = createWasmAdam();
if (probe === undefined) console.warn('wasm adam: WebAssembly SIMD is unavailable here; its tests are skipped');
const suite = probe === undefined ? describe.skip : describe;

type State = { p: Float32Array; mu: Float32Array; nu: Float32Array };
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

suite('wasm adam residency', () => {
  const fresh = (g: Float32Array, s: State): State => {
    const out = createWasmAdam()?.step(g, s.mu, s.nu, s.p, hyper);
    if (out === undefined) throw new Error('wasm adam did not run');
    return { p: out.result, mu: out.mu, nu: out.nu };
  };

  it('gives a fresh kernel\'s bits step after step, for interleaved parameters of several sizes', () => {
    const kernel = createWasmAdam();
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
    const kernel = createWasmAdam();
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
