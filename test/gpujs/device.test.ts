/**
 * The device layer's guarantees, driven by a fake gpu.js runtime so that the failure paths are
 * certain to happen: a kernel that gpu.js silently ran in another class is an error; a kernel
 * that throws, or (WebGPU-style) rejects, is a BackendError naming the kernel and its shapes,
 * carried to the one readback; kernels are compiled once per key.
 */
import { describe, expect, it } from 'vitest';
import { createDevice, type KernelSpec } from '../../src/core/backend/gpujs/device.js';
import type { GpuInstance, GpujsMode, KernelShortcut } from '../../src/core/backend/gpujs/runtime.js';
import { BackendError } from '../../src/core/errors.js';

/** A kernel class name as gpu.js reports it through `shortcut.kernel.constructor.name`. */
const kernelOf = (className: string): KernelShortcut['kernel'] => new ({ [className]: class {} } as Record<string, new () => object>)[className]() as KernelShortcut['kernel'];

interface FakeResident {
  readonly values: Float32Array;
  deleted: boolean;
}

/** A runtime whose every kernel adds 1 to its first argument, behaving as `behaviour` says. */
const fakeRuntime = (mode: GpujsMode, className: string, behaviour: 'ok' | 'throws' | 'rejects' = 'ok') => {
  const compiled: string[] = [];
  const gpu: GpuInstance = {
    destroy: () => undefined,
    createKernel: (source, settings) => {
      compiled.push(source);
      const size = (settings as { output: [number] }).output[0];
      const run = (x: unknown): FakeResident | Promise<FakeResident> => {
        if (behaviour === 'throws') throw new Error('Error compiling fragment shader: bad token\n--- generated ---\nvoid main() {}');
        const input = typeof x === 'number' ? new Float32Array(size).fill(x) : x instanceof Float32Array ? x : (x as FakeResident).values;
        const values = Float32Array.from({ length: size }, (_, i) => input[i] + 1);
        const resident = {
          values,
          deleted: false,
          toArray: () => (mode === 'webgpu' ? Promise.resolve(values) : values),
          delete(): void {
            this.deleted = true;
          },
        };
        if (behaviour === 'rejects') return Promise.reject(new Error('WebGPU device was lost'));
        return mode === 'webgpu' ? Promise.resolve(resident) : resident;
      };
      return Object.assign(run, { kernel: kernelOf(className), destroy: () => undefined }) as unknown as KernelShortcut;
    },
  };
  return { runtime: { mode, gpu, device: undefined, software: false }, compiled };
};

const plusOne = (size: number): KernelSpec => ({ key: `plus:${size}`, label: `plusOne [${size}]`, size, source: () => 'function (x) { return x[this.thread.x] + 1; }' });

describe('gpujs device layer (fake runtime)', () => {
  it('a kernel that gpu.js degraded to another class is a BackendError, not a result', () => {
    const { runtime } = fakeRuntime('webasm', 'CPUKernel');
    const device = createDevice(runtime);
    expect(() => device.run(plusOne(3), [device.upload([1, 2, 3])])).toThrow(/gpujs\(webasm\) plusOne \[3\]: gpu.js ran this kernel as CPUKernel instead of WebAssemblyKernel/);
  });

  it('a kernel that throws is a BackendError naming the kernel and its shapes, without the shader dump', () => {
    const { runtime } = fakeRuntime('headlessgl', 'HeadlessGLKernel', 'throws');
    const device = createDevice(runtime);
    const error = (() => {
      try {
        device.run(plusOne(4), [2]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe('gpujs(headlessgl) plusOne [4]: kernel failed: Error compiling fragment shader: bad token');
  });

  it('an asynchronous failure reaches the readback of every result that depends on it', async () => {
    const { runtime } = fakeRuntime('webgpu', 'WebGPUKernel', 'rejects');
    const device = createDevice(runtime);
    const first = device.run(plusOne(2), [5]);
    const second = device.run({ ...plusOne(2), key: 'second', label: 'second [2]' }, [first]);
    await expect(device.download(second)).rejects.toThrow('gpujs(webgpu) plusOne [2]: kernel failed: WebGPU device was lost');
  });

  it('chains pending results and reads back only at download; compiles each key once', async () => {
    const { runtime, compiled } = fakeRuntime('webgpu', 'WebGPUKernel');
    const device = createDevice(runtime);
    let x = device.fill(1, 3);
    for (let i = 0; i < 4; i++) x = device.run(plusOne(3), [x]);
    expect(x.value).toBeInstanceOf(Promise);
    expect(Array.from(await device.download(x))).toEqual([6, 6, 6]); // fill runs the fake kernel too: 1 + 1, then +4
    expect(compiled.length).toBe(2); // fill [3] and plusOne [3]
    expect(device.stats()).toMatchObject({ kernels: 2 });
  });

  it('release() deletes the device copy at once and refuses later use', async () => {
    const { runtime } = fakeRuntime('headlessgl', 'HeadlessGLKernel');
    const device = createDevice(runtime);
    const x = device.fill(0, 2);
    const resident = (await x.value) as unknown as FakeResident;
    const live = device.stats().live;
    device.release(x);
    expect(resident.deleted).toBe(true);
    expect(device.stats().live).toBe(live - 1);
    expect(() => device.run(plusOne(2), [x])).toThrow(/already released/);
  });
});
