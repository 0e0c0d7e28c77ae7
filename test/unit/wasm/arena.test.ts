/**
 * The arena (src/core/backend/wasm/arena.ts) hands out views that keep their floats until
 * released, reuses released regions of the same size, refuses released views loudly, never grows
 * (so no view is ever detached), and says when it is full.
 */
import { describe, expect, it } from 'vitest';
import { createArena, type Arena } from '../../../src/core/backend/wasm/arena.js';
import { BackendError } from '../../../src/core/errors.js';

const arena = (bytes: number): Arena => {
  const made = createArena(bytes);
  if (made === undefined) throw new Error('no WebAssembly here');
  return made;
};

describe('arena', () => {
  it('hands out views of its own regions, padded to whole vectors', () => {
    const a = arena(65536);
    const r1 = a.take(5);
    const r2 = a.take(5);
    expect(r1?.bytes).toBe(32);
    expect(r2?.at).toBe(32);
    const v = a.view(r1 as NonNullable<typeof r1>, 5);
    expect(v.length).toBe(5);
    expect(v.buffer).toBe(a.memory.buffer);
    expect(a.regionOf('test', v)).toBe(r1);
    expect(a.regionOf('test', v, 6)).toBeUndefined(); // another length: not this region's array
    expect(a.regionOf('test', new Float32Array(5))).toBeUndefined();
    expect(a.bytesInUse()).toBe(64);
  });

  it('recycles a released region for the next take of its size, and refuses the old view', () => {
    const a = arena(65536);
    const region = a.take(8) as NonNullable<ReturnType<Arena['take']>>;
    const old = a.view(region, 8);
    old.fill(7);
    a.release([old, old, new Float32Array(8)]); // repeats and foreign arrays are ignored
    expect(a.bytesInUse()).toBe(0);
    expect(() => a.regionOf('binary', old)).toThrow(BackendError);
    expect(() => a.regionOf('binary', old)).toThrow(/binary: .*released/);
    expect(a.take(4)?.at).not.toBe(region.at); // another size does not take it
    const again = a.take(8);
    expect(again).toBe(region);
    const fresh = a.view(region, 8);
    expect(a.regionOf('test', fresh)).toBe(region);
  });

  it('gives temporaries back without a view, and says when it is full instead of growing', () => {
    const a = arena(65536);
    const big = a.take(16384); // the whole 64 KB page
    expect(big).toBeDefined();
    expect(a.take(1)).toBeUndefined();
    const pages = a.memory.buffer.byteLength;
    a.give(big as NonNullable<typeof big>);
    expect(a.take(16384)).toBe(big);
    expect(a.memory.buffer.byteLength).toBe(pages);
    expect(() => a.memory.grow(1)).toThrow(); // its maximum is its size
  });
});
