/**
 * Resident arrays: float32 views of one fixed-size WebAssembly.Memory that a kernel hands out as
 * result buffers instead of fresh copies, and recycles only when its caller says so (`release`).
 * Until then a view's floats never change, like any backend buffer. A released view is refused
 * (`regionOf` throws), so a stale tensor fails loudly instead of reading someone else's values.
 * The memory never grows: growing a non-shared memory detaches every view of it. When it is
 * full, `take` says so and the caller copies its results out as before.
 *
 * Why: Adam's three results on the MLP's 200,704 weights are 2.4 MB a step. Copying them out of
 * the kernel's memory into fresh arrays cost ~9% of a training step here (measured by training
 * with views instead; same bits): the copies, the cold pages they land on, and the garbage.
 *
 * @internal
 */
import { BackendError } from '../../errors.js';

/** A block of the arena: byte address and size (a multiple of 16), and how often it was recycled. */
export interface Region {
  readonly at: number;
  readonly bytes: number;
  /** Bumped on release: views made before hold the old value and are stale. */
  generation: number;
}

export interface Arena {
  readonly memory: WebAssembly.Memory;
  /** A region for `floats` floats (padded to whole vectors), or undefined when the arena is full. */
  take(floats: number): Region | undefined;
  /** Returns a region that was never handed out as a view (a temporary). */
  give(region: Region): void;
  /** The region's first `floats` floats as a resident array. */
  view(region: Region, floats: number): Float32Array;
  /**
   * The region behind `x` when `x` is a live resident array of this arena holding `floats` floats,
   * else undefined. Throws, naming `api`, when `x` was released.
   */
  regionOf(api: string, x: Float32Array, floats?: number): Region | undefined;
  /** Recycles the regions of these resident arrays (other arrays, and repeats, are ignored). */
  release(arrays: readonly Float32Array[]): void;
  /** Throws, naming `api`, if `x` is a released array of this arena. */
  check(api: string, x: Float32Array): void;
  /** `x` itself, or a fresh copy (from `allocate`) of a live array of this arena. */
  persist(x: Float32Array, allocate: (length: number) => Float32Array): Float32Array;
  /** Bytes handed out and not released (views and temporaries), for tests and benchmarks. */
  bytesInUse(): number;
}

const pageBytes = 65536;
const vectorBytes = (floats: number): number => Math.ceil(floats / 4) * 16;

/**
 * An arena of `bytes` (0: always full, for tests of the callers' other path), or undefined without
 * WebAssembly. By default it is a memory of its own, whole 64 KB pages, at least one (kernels
 * import at least one). Given `within`, it is the range [base, base + bytes) of that memory
 * instead, which its owner never uses otherwise; a shared memory's views survive its growth.
 */
export function createArena(bytes: number, within?: { readonly memory: WebAssembly.Memory; readonly base: number }): Arena | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const pages = Math.max(1, Math.ceil(bytes / pageBytes));
  const memory = within?.memory ?? new WebAssembly.Memory({ initial: pages, maximum: pages });
  const base = within?.base ?? 0;
  const capacity = base + Math.floor(bytes / 16) * 16;
  // Free regions by size: a model's leaves come in few sizes, so an exact fit is the common case.
  const free = new Map<number, Region[]>();
  const views = new WeakMap<Float32Array, { readonly region: Region; readonly generation: number }>();
  let bump = base;
  let inUse = 0;

  const give = (region: Region): void => {
    const list = free.get(region.bytes);
    if (list === undefined) free.set(region.bytes, [region]);
    else list.push(region);
    inUse -= region.bytes;
  };

  const regionOf = (api: string, x: Float32Array, floats = x.length): Region | undefined => {
    const entry = views.get(x);
    if (entry === undefined) return undefined;
    if (entry.generation !== entry.region.generation) {
      throw new BackendError(api, `expected a live tensor, got one whose memory was released (fit recycles the optimizer state of steps it has finished with, and each batch after its step); copy what you keep, e.g. with toArray, while it is live`);
    }
    return x.length === floats ? entry.region : undefined;
  };

  return {
    memory,
    take(floats) {
      const bytes = vectorBytes(floats);
      let region = free.get(bytes)?.pop();
      if (region === undefined) {
        if (bump + bytes > capacity) return undefined;
        region = { at: bump, bytes, generation: 0 };
        bump += bytes;
      }
      inUse += bytes;
      return region;
    },
    give,
    view(region, floats) {
      const x = new Float32Array(memory.buffer, region.at, floats);
      views.set(x, { region, generation: region.generation });
      return x;
    },
    regionOf,
    check: (api, x) => void regionOf(api, x),
    persist(x, allocate) {
      if (regionOf('persist', x) === undefined) return x;
      const copy = allocate(x.length);
      copy.set(x);
      return copy;
    },
    release(arrays) {
      for (const x of arrays) {
        const entry = views.get(x);
        if (entry === undefined || entry.generation !== entry.region.generation) continue;
        entry.region.generation++;
        give(entry.region);
      }
    },
    bytesInUse: () => inUse,
  };
}
