/**
 * The workers of one threaded kernel and the caller's half of the job protocol (parallel.ts has
 * the workers' half, in wasm). Workers are spawned lazily, on the first product big enough to
 * share, so a backend that only ever sees small tensors never starts a thread. The caller opens
 * a job, works on it, closes it and waits for the workers that joined: a short spin (a spinning
 * waiter answers in about a microsecond) and then Atomics.wait.
 *
 * @internal
 */
import { BackendError } from '../../errors.js';
import { Control } from './parallel.js';
import type { SpawnedThread, ThreadSpawner } from './threads.js';

export interface WorkerPool {
  /** Runs `work` on the calling thread; when `parallel`, the workers join in. Synchronous. */
  run(parallel: boolean, work: () => void): void;
  /** Resolves once every worker is up and serving (spawning them if need be). */
  ready(): Promise<void>;
  /** Stops and joins the workers; `run` then uses the calling thread alone. Idempotent. */
  close(): Promise<void>;
}

export interface WorkerPoolConfig {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The control block (at byte 0 of `memory`), as words. */
  readonly words: Int32Array;
  /** Including the calling thread. */
  readonly threads: number;
  readonly spawner: ThreadSpawner;
  /** Polls of `active` before the caller sleeps. */
  readonly callerSpins: number;
}

const word = (field: keyof typeof Control): number => Control[field] >> 2;

export function createWorkerPool(config: WorkerPoolConfig): WorkerPool {
  const { module, memory, words, threads, spawner, callerSpins } = config;
  let workers: readonly SpawnedThread[] | undefined;
  let closing: Promise<void> | undefined;
  const errors: unknown[] = [];

  const start = (): readonly SpawnedThread[] => {
    workers ??= Array.from({ length: threads - 1 }, (_, index) =>
      spawner.spawn({ module, memory, control: 0, slot: index + 1 }, (error) => errors.push(error)));
    return workers;
  };

  const failure = (): BackendError => {
    const reasons = errors.length === 0 ? 'no error was reported yet' : errors.map(String).join('; ');
    return new BackendError('wasm matmul', `a ${spawner.name} worker failed (${reasons}); create a new backend, or use threads: 1`);
  };

  const waitForWorkers = (): void => {
    for (let spins = callerSpins; ;) {
      const active = Atomics.load(words, word('active'));
      if (active === 0) return;
      if (Atomics.load(words, word('failed')) !== 0) throw failure();
      if (spins > 0) spins -= 1;
      else Atomics.wait(words, word('active'), active);
    }
  };

  return {
    run(parallel, work) {
      if (Atomics.load(words, word('failed')) !== 0) throw failure();
      if (!parallel || closing !== undefined) {
        work();
        return;
      }
      start();
      const open = Atomics.load(words, word('job')) + 1; // odd: open
      Atomics.store(words, word('job'), open);
      Atomics.notify(words, word('job'));
      try {
        work();
      } finally {
        Atomics.store(words, word('job'), open + 1);
        waitForWorkers();
      }
    },

    async ready() {
      if (closing !== undefined) return;
      start();
      while (Atomics.load(words, word('online')) < threads - 1) {
        if (Atomics.load(words, word('failed')) !== 0) throw failure();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },

    close() {
      closing ??= (async () => {
        if (workers === undefined) return;
        Atomics.store(words, word('stop'), 1);
        // Change `job` (parity kept) so that no worker can go to sleep on the old value.
        Atomics.add(words, word('job'), 2);
        Atomics.notify(words, word('job'));
        await Promise.all(workers.map((worker) => worker.exited));
      })();
      return closing;
    },
  };
}
