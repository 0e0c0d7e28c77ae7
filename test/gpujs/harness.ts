/**
 * Starts the gpujs backend in every mode the suites cover and says, for each mode that cannot
 * start here, why (a printed skip line, never a silent one). headlessgl needs an X display: when
 * none is set and Xvfb is installed, the harness starts its own Xvfb and stops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gpujsBackend, type GpujsBackend, type GpujsMode } from '../../src/core/backend/gpujs/gpujs-backend.js';

export const SUITE_MODES: readonly GpujsMode[] = ['cpu', 'webasm', 'webgpu', 'headlessgl'];
export const GPU_API_MODES: readonly GpujsMode[] = ['webgpu', 'headlessgl'];

export interface Started {
  readonly ran: readonly GpujsBackend[];
  readonly skipped: readonly { readonly mode: GpujsMode; readonly reason: string }[];
  /** Stops what the harness started (Xvfb) and restores DISPLAY. */
  readonly stop: () => void;
}

/** Starts Xvfb on a display it picks itself (-displayfd); resolves undefined when it cannot. */
const startXvfb = (): Promise<{ readonly child: ChildProcess; readonly display: string } | undefined> =>
  new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '64x64x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    } catch {
      resolve(undefined);
      return;
    }
    const timer = setTimeout(() => {
      child.kill();
      resolve(undefined);
    }, 5000);
    const gaveUp = (): void => {
      clearTimeout(timer);
      resolve(undefined);
    };
    child.on('error', gaveUp);
    child.on('exit', gaveUp); // a no-op once resolved: a promise settles once
    child.stdio[3]?.on('data', (data: Buffer) => {
      clearTimeout(timer);
      resolve({ child, display: `:${data.toString().trim()}` });
    });
  });

export const startModes = async (modes: readonly GpujsMode[] = SUITE_MODES): Promise<Started> => {
  const previousDisplay = process.env.DISPLAY;
  let xvfb: ChildProcess | undefined;
  if (modes.includes('headlessgl') && (previousDisplay === undefined || previousDisplay === '')) {
    const started = await startXvfb();
    if (started !== undefined) {
      xvfb = started.child;
      process.env.DISPLAY = started.display;
      process.once('exit', () => started.child.kill()); // also when the worker ends without afterAll
    }
  }
  const ran: GpujsBackend[] = [];
  const skipped: { mode: GpujsMode; reason: string }[] = [];
  for (const mode of modes) {
    try {
      ran.push(await gpujsBackend({ mode }));
    } catch (error) {
      const reason = (error as Error).message;
      skipped.push({ mode, reason });
      console.warn(`[purenet gpujs] skipping gpu.js mode '${mode}': ${reason}`);
    }
  }
  return {
    ran,
    skipped,
    stop: () => {
      xvfb?.kill();
      if (previousDisplay === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = previousDisplay;
    },
  };
};

/** Forces full GCs and lets finalizers run (the flag can be set at run time; `gc` then exists in a new context). */
export const collectGarbage = async (): Promise<void> => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** CI sets PURENET_REQUIRE_GPU_API=1: then a run in which no GPU-API mode started fails. */
export const requireGpuApi = (): boolean => process.env.PURENET_REQUIRE_GPU_API === '1';

/** ‖actual − expected‖ / ‖expected‖ (Frobenius), or ‖actual‖ when expected is all zeros. */
export const relativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>): number => {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < actual.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
};
