/**
 * Choosing a backend from the command line, shared by the MNIST example and every `purenet`
 * command: `--backend cpu | reference | gpujs`, `--mode` (gpu.js only) and `--threads` (cpu
 * only). The combination is checked as a usage error before anything runs; a choice that
 * parses but cannot run on this machine (a gpu.js mode without its GPU API) is the backend's own
 * BackendError, never a silent fallback to another backend.
 */
import * as E from 'fp-ts/lib/Either.js';
import { cpuBackend, gpujsBackend, referenceBackend, type Backend, type GpujsModeOption } from '../core/index.js';
import { choiceArg, intArg, usageError, type FlagSpecs, type UsageError } from './flags.js';

export const backendNames = ['cpu', 'reference', 'gpujs'] as const;
export type BackendChoice = (typeof backendNames)[number];

export const gpujsModeNames = ['auto', 'webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'] as const satisfies readonly GpujsModeOption[];

/** Upper bound of `--threads`: more workers than this only split the MLP's products finer. */
export const MAX_THREADS = 64;

export interface BackendOptions {
  readonly backend: BackendChoice;
  /** gpu.js mode; only with backend 'gpujs' (default 'auto' there). */
  readonly mode?: GpujsModeOption | undefined;
  /** Threads of the cpu backend's matmul; only with backend 'cpu' (default: the backend's). */
  readonly threads?: number | undefined;
}

/** Help text of the three flags. */
export const backendFlagSpecs: FlagSpecs = {
  backend: { value: 'NAME', help: `${backendNames.join(' | ')} (cpu: float32 wasm kernels; reference: float64 loops, slow; gpujs: gpu.js kernels)`, default: 'cpu' },
  mode: { value: 'MODE', help: `gpu.js mode with --backend gpujs: ${gpujsModeNames.join(' | ')}; a mode that cannot run here is an error`, default: 'auto' },
  threads: { value: 'N', help: 'threads sharing the cpu backend\'s large matmuls (--backend cpu only)', default: 'cores, at most 4' },
};

/** io-ts decoders of the three flags (flag strings or JSON config values). */
export const backendFields = {
  backend: choiceArg(backendNames),
  mode: choiceArg(gpujsModeNames),
  threads: intArg(1, MAX_THREADS),
};

/** `--mode` needs gpujs, `--threads` needs cpu: a usage error that says which flag to drop or add. */
export const checkBackendOptions = <O extends BackendOptions>(options: O): E.Either<UsageError, O> => {
  if (options.mode !== undefined && options.backend !== 'gpujs') {
    return E.left(usageError(`--mode ${options.mode} needs --backend gpujs (the backend is ${options.backend}); drop --mode or add --backend gpujs`));
  }
  if (options.threads !== undefined && options.backend !== 'cpu') {
    return E.left(usageError(`--threads ${options.threads} needs --backend cpu (the backend is ${options.backend}); drop --threads`));
  }
  return E.right(options);
};

/** A backend a command made and so must let go of: `close` stops the cpu backend's workers. */
export interface OwnedBackend {
  readonly backend: Backend;
  readonly close: () => Promise<void>;
}

/**
 * Starts the chosen backend. Rejects with a BackendError (a PurenetError: exit code 1) when the
 * choice cannot run here, e.g. `gpujsBackend(headlessgl): gpu.js mode headlessgl cannot run
 * here: no X display …`.
 */
export const makeBackend = async (options: BackendOptions): Promise<OwnedBackend> => {
  switch (options.backend) {
    case 'reference':
      return { backend: referenceBackend(), close: async () => undefined };
    case 'gpujs':
      return { backend: await gpujsBackend({ mode: options.mode ?? 'auto' }), close: async () => undefined };
    case 'cpu': {
      const backend = cpuBackend(options.threads === undefined ? {} : { threads: options.threads });
      return { backend, close: () => backend.close() };
    }
  }
};
