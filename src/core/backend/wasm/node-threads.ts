/**
 * Node's side of the thread seam (threads.ts): workers from `worker_threads`, running the
 * bootstrap as `eval` source so no worker file has to be found on disk (it works the same from
 * src/ under vitest and from dist/). The built-ins are fetched with `process.getBuiltinModule`
 * (Node ≥ 20.16) rather than imported, so this file loads harmlessly in a browser bundle and
 * simply reports that it cannot spawn there.
 *
 * @internal
 */
import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { nodeWorkerSource, type ThreadSpawner } from './threads.js';

interface NodeProcess {
  readonly getBuiltinModule?: (id: string) => unknown;
}

/** A spawner over `worker_threads`, or undefined outside Node (or on a Node too old to tell). */
export function nodeThreadSpawner(): ThreadSpawner | undefined {
  const host = (globalThis as { readonly process?: NodeProcess }).process;
  if (typeof host?.getBuiltinModule !== 'function') return undefined;
  const threads = host.getBuiltinModule('node:worker_threads') as typeof WorkerThreads;
  const os = host.getBuiltinModule('node:os') as typeof Os;
  return {
    name: 'worker_threads',
    cores: os.availableParallelism(),
    spawn(init, onError) {
      const worker = new threads.Worker(nodeWorkerSource, { eval: true, workerData: init, name: `purenet matmul ${init.slot}` });
      // An idle worker sleeps in memory.atomic.wait32; unref lets the process end around it
      // (Node then terminates it, which wakes the wait).
      worker.unref();
      worker.on('error', onError);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      return {
        join: () => {
          worker.ref();
          return exited;
        },
      };
    },
  };
}
