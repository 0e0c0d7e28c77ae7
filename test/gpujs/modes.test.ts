/**
 * Mode selection, residency and device memory of the gpujs backend: a requested mode that cannot
 * run is an error with its reason, never a silent fallback; results stay on the device until
 * downloaded; kernels compile once per shape; memory is released when buffers become unreachable
 * or are released by their owner. In CI (PURENET_REQUIRE_GPU_API=1) at least one real GPU API
 * (WebGPU through Dawn, or headless-gl) must have run.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DeviceBuffer } from '../../src/core/backend/backend.js';
import { fromDevice } from '../../src/core/backend/gpujs/device.js';
import { gpujsBackend, type GpujsBackend } from '../../src/core/backend/gpujs/gpujs-backend.js';
import { BackendError, InvalidArgumentError } from '../../src/core/errors.js';
import { collectGarbage, GPU_API_MODES, requireGpuApi, SUITE_MODES, startModes } from './harness.js';

// Kernel compilation (10-250 ms each on the software GPUs) dominates; a loaded machine must not time out.
vi.setConfig({ testTimeout: 60_000 });
const started = await startModes();
afterAll(() => started.stop());

describe('choosing a gpu.js mode', () => {
  it('refuses precision unsigned, naming the reason', async () => {
    await expect(gpujsBackend({ mode: 'cpu', precision: 'unsigned' as 'single' })).rejects.toThrow(/expected precision 'single', got 'unsigned'/);
  });

  it('refuses an unknown mode', async () => {
    await expect(gpujsBackend({ mode: 'cuda' as 'cpu' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('a mode that cannot run is a BackendError with the reason, not a fallback', async () => {
    const error = await gpujsBackend({ mode: 'webgl2' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/gpujsBackend\(webgl2\): gpu.js mode webgl2 cannot run here: webgl2 needs a browser/);
  });

  it('auto picks a mode, reports it, and says why it passed over the others', async () => {
    const backend = await gpujsBackend();
    expect(backend.description).toMatch(new RegExp(`^gpujs \\(${backend.mode}, float32`));
    for (const line of backend.passedOver) expect(line).toMatch(/^(webgpu|webgl2|webgl|headlessgl|webasm): .{10,}/);
  });

  it('CI runs at least one real GPU API (WebGPU through Dawn, or headless-gl)', () => {
    const ran = started.ran.filter((b) => GPU_API_MODES.includes(b.mode)).map((b) => b.mode);
    const reasons = started.skipped.map((s) => `${s.mode}: ${s.reason}`).join('\n');
    if (!requireGpuApi()) {
      if (ran.length === 0) console.warn(`[purenet gpujs] no GPU-API mode ran (set PURENET_REQUIRE_GPU_API=1 to fail on this):\n${reasons}`);
      return;
    }
    expect(ran, `no GPU-API mode ran; reasons:\n${reasons}`).not.toEqual([]);
  });

  it('every mode the suites cover either ran or printed a reason', () => {
    expect([...started.ran.map((b) => b.mode), ...started.skipped.map((s) => s.mode)].sort()).toEqual([...SUITE_MODES].sort());
  });
});

const resident = (x: DeviceBuffer) => Promise.resolve(fromDevice(x).value);

describe.each(started.ran.map((backend) => [backend.description, backend] as const))('%s', (_, backend: GpujsBackend) => {
  const onDevice = GPU_API_MODES.includes(backend.mode);

  it(onDevice ? 'keeps results on the device until download' : 'keeps results in host arrays (no device in this mode)', async () => {
    const x = backend.upload([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = backend.unary('exp', backend.binary('mul', x, [2, 3], backend.fill(0.5, []), [], [2, 3]), [2, 3]);
    const value = await resident(y);
    expect(value instanceof Float32Array).toBe(!onDevice);
    const got = await backend.download(y, [2, 3]);
    [1, 2, 3, 4, 5, 6].forEach((v, i) => expect(Math.abs(got[i] / Math.exp(v * 0.5) - 1)).toBeLessThan(1e-6));
  });

  it('compiles each kernel once per shape and option set', async () => {
    const run = (n: number) => backend.download(backend.unary('sqrt', backend.fill(4, [n]), [n]), [n]);
    await run(5);
    const compiled = backend.stats().kernels;
    await run(5);
    expect(backend.stats().kernels).toBe(compiled);
    await run(6);
    expect(backend.stats().kernels).toBe(compiled + (onDevice ? 2 : 1)); // sqrt [6] (+ fill [6] on a device)
  });

  it('releases device memory when buffers become unreachable', async () => {
    if (!onDevice) return;
    await collectGarbage();
    const before = backend.stats().live;
    await (async () => {
      let x = backend.fill(1, [64]);
      for (let i = 0; i < 50; i++) x = backend.unary('neg', x, [64]);
      await backend.download(x, [64]);
    })();
    expect(backend.stats().live).toBeGreaterThanOrEqual(before + 50);
    await collectGarbage();
    expect(backend.stats().live).toBeLessThan(before + 5);
  });

  it('never frees an input while a kernel still waits on it (a GC between dispatch and run)', async () => {
    for (let round = 0; round < 3; round++) {
      const size = 1000 + round; // a fresh size: the pending input must compile first, which takes time
      const z = (() => {
        const x = backend.upload(new Float32Array(size).fill(2), [size]); // reachable only through the kernel
        const y = backend.unary('exp', backend.fill(0, [size]), [size]);
        return backend.binary('add', x, [size], y, [size], [size]);
      })();
      await collectGarbage();
      expect(Array.from(await backend.download(z, [size]))).toEqual(new Array(size).fill(3));
    }
  });

  it('release() frees a buffer now, and a released buffer is an error naming the kernel', async () => {
    const x = backend.upload([1, 2, 3], [3]);
    const live = backend.stats().live;
    backend.release(x);
    expect(backend.stats().live).toBe(onDevice ? live - 1 : live);
    if (!onDevice) return;
    expect(() => backend.unary('exp', x, [3])).toThrow(/gpujs\(\w+\) exp \[3\]: an input buffer was already released/);
    await expect(backend.download(x, [3])).rejects.toThrow(/already released/);
  });

  it('a tensor too large for float32 index arithmetic is an error naming the API and shape', () => {
    expect(() => backend.fill(0, [4097, 1024])).toThrow(/gpujs fill: gpujs addresses at most 4194304 values per tensor .* got \[4097, 1024\]/);
  });
});
