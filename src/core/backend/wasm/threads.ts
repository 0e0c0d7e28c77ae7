/**
 * The seam between the threaded matmul (portable: wasm, a shared WebAssembly.Memory and Atomics)
 * and the platform's way of starting a thread. Node implements it with `worker_threads`
 * (node-threads.ts). A browser spawner would be `new Worker(URL.createObjectURL(new Blob(
 * [browserWorkerSource])))`, `postMessage(init)`, `cores: navigator.hardwareConcurrency` and a
 * `join` that terminates the Worker once `serve` has returned; it needs a cross-origin-isolated
 * page (SharedArrayBuffer) and must run the kernel inside a dedicated worker, because the
 * calling thread blocks (Atomics.wait, memory.atomic.wait32) and a page's main thread may not.
 *
 * A worker's whole job is to instantiate the kernel module on the shared memory and call its
 * `serve` export, which returns only when the pool is stopped; everything else happens in wasm.
 *
 * @internal
 */
import { Control } from './parallel.js';

/** What a worker needs; structured-cloneable (a Module and a shared Memory cross threads). */
export interface ThreadInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Byte address of the control block in `memory`. */
  readonly control: number;
  /** This worker's slot, 1..threads-1 (the calling thread is slot 0). */
  readonly slot: number;
}

export interface SpawnedThread {
  /**
   * Resolves once the thread has exited, whatever the reason. The host stays alive until then
   * (Node: the worker is ref'ed again), or a program awaiting this would simply end instead.
   */
  join(): Promise<void>;
}

export interface ThreadSpawner {
  /** Shown in the backend's description, e.g. 'worker_threads'. */
  readonly name: string;
  /** Logical cores available to this process, to size the default thread count. */
  readonly cores: number;
  /**
   * Starts a worker running `serve`. It must not keep the host alive while idle (Node: unref)
   * and must hand any error it raises to `onError` instead of crashing the host.
   */
  spawn(init: ThreadInit, onError: (error: unknown) => void): SpawnedThread;
}

/**
 * The worker body as source, for `eval` (Node) or a Blob URL (browsers): instantiate and serve. On any failure it raises `failed` and bumps `active` far from any value the caller may
 * be waiting on, so the caller wakes, sees `failed` and reports it rather than waiting forever.
 */
const serveSource = `
function serveMatmul(init) {
  const words = new Int32Array(init.memory.buffer, init.control, ${Control.rowsBySlot >> 2});
  try {
    const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
    instance.exports.serve(init.control, init.slot);
  } catch (error) {
    Atomics.store(words, ${Control.failed >> 2}, 1);
    Atomics.add(words, ${Control.active >> 2}, 0x10000);
    Atomics.notify(words, ${Control.active >> 2});
    throw error;
  }
}
`;

/** Node `new Worker(source, { eval: true, workerData: init })`. */
export const nodeWorkerSource = `${serveSource}\nserveMatmul(require('node:worker_threads').workerData);\n`;

/** A browser worker script: the first message is the ThreadInit. */
export const browserWorkerSource = `${serveSource}\nonmessage = (event) => { onmessage = null; serveMatmul(event.data); };\n`;
