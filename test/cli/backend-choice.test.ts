import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { BackendError } from '../../src/core/index.js';
import { checkBackendOptions, makeBackend } from '../../src/cli/backend-choice.js';

describe('backend choice', () => {
  it('--mode needs gpujs and --threads needs cpu; everything else passes through unchanged', () => {
    expect(checkBackendOptions({ backend: 'gpujs', mode: 'webasm' })).toEqual(E.right({ backend: 'gpujs', mode: 'webasm' }));
    expect(checkBackendOptions({ backend: 'cpu', threads: 2, other: 1 })).toEqual(E.right({ backend: 'cpu', threads: 2, other: 1 }));
    const left = (o: Parameters<typeof checkBackendOptions>[0]) => {
      const r = checkBackendOptions(o);
      return E.isLeft(r) ? r.left.message : 'accepted';
    };
    expect(left({ backend: 'cpu', mode: 'cpu' })).toBe('--mode cpu needs --backend gpujs (the backend is cpu); drop --mode or add --backend gpujs');
    expect(left({ backend: 'gpujs', threads: 3 })).toBe('--threads 3 needs --backend cpu (the backend is gpujs); drop --threads');
  });

  it('makes the backend asked for and describes it; a mode that cannot run is a BackendError', async () => {
    const reference = await makeBackend({ backend: 'reference' });
    expect(reference.backend.dtype).toBe('float64');
    const cpu = await makeBackend({ backend: 'cpu', threads: 1 });
    expect(cpu.backend.description).toMatch(/^cpu \(float32, .*1 thread\)$/);
    await cpu.close();
    const gpu = await makeBackend({ backend: 'gpujs', mode: 'cpu' });
    expect(gpu.backend.description).toBe('gpujs (cpu, float32)');
    await expect(makeBackend({ backend: 'gpujs', mode: 'webgl2' })).rejects.toBeInstanceOf(BackendError);
  });
});
