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
  /** False once `close` was called. */
  isOpen(): boolean;
  /** Runs `work` on the calling thread with the workers joining in. Synchronous. */
  run(work: () => void): void;
  /** Resolves once every worker is up and serving (spawning them if need be). */
  ready(): Promise<void>;
  /** Stops and joins the workers; `run` is refused afterwards (check `isOpen`). Idempotent. */
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

  const start = (): void => {
    if (workers !== undefined) return;
    // Recorded as they start, so that close() still stops them if a later spawn throws.
    const started: SpawnedThread[] = [];
    workers = started;
    for (let slot = 1; slot < threads; slot++) {
      started.push(spawner.spawn({ module, memory, control: 0, slot }, (error) => errors.push(error)));
    }
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
    isOpen: () => closing === undefined,

    run(work) {
      if (Atomics.load(words, word('failed')) !== 0) throw failure();
      if (closing !== undefined) throw new BackendError('wasm matmul', 'the worker pool was closed; run on the calling thread instead');
      start();
      const open = Atomics.load(words, word('job')) + 1; // odd: open
      Atomics.store(words, word('job'), open);
      // Waking a sleeper costs the notifier ~10-40 µs here (measured), so only when someone sleeps.
      if (Atomics.load(words, word('sleepers')) > 0) Atomics.notify(words, word('job'));
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
      while (Atomics.load(words, word('online')) < (workers?.length ?? 0)) {
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
        await Promise.all(workers.map((worker) => worker.join()));
      })();
      return closing;
    },
  };
}
