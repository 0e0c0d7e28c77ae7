/**
 * Node's side of the allocation seam (copy-out.ts): float32 arrays on uninitialised memory from
 * `Buffer.allocUnsafeSlow`, each on an ArrayBuffer of its own, for results that a copy fills
 * entirely. Fetched with `process.getBuiltinModule` (as wasm/node-threads.ts does), so this file loads
 * harmlessly in a browser bundle and reports that it has nothing there.
 *
 * @internal
 */
import type { Allocate } from './copy-out.js';

interface NodeProcess {
  readonly getBuiltinModule?: (id: string) => unknown;
}

interface BufferModule {
  readonly Buffer: { allocUnsafeSlow(size: number): Uint8Array };
}

/** Below this many floats the zero fill costs nothing worth a separate allocation path. */
export const minUninitializedFloats = 4096;

/** Node's uninitialised allocator, or undefined outside Node (or on a Node too old to tell). */
export function nodeUninitializedAllocator(): Allocate | undefined {
  const host = (globalThis as { readonly process?: NodeProcess }).process;
  if (typeof host?.getBuiltinModule !== 'function') return undefined;
  const { Buffer } = host.getBuiltinModule('node:buffer') as BufferModule;
  return (length) => {
    if (length < minUninitializedFloats) return new Float32Array(length);
    const bytes = Buffer.allocUnsafeSlow(4 * length);
    return new Float32Array(bytes.buffer, bytes.byteOffset, length);
  };
}
