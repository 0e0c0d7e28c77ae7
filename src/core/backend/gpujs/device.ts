/**
 * The gpujs backend's buffers and the one way kernels run on them. A buffer is a flat float32
 * vector of `size` values resident where the gpu.js mode keeps results: a GL texture or a WebGPU
 * storage buffer (`pipeline: true`), or a Float32Array in the cpu/webasm modes. WebGPU kernels
 * answer with Promises, so a buffer's value may be pending: kernels chain on their inputs and
 * only `download` waits, the one readback. Device memory is released when a buffer becomes
 * unreachable (a FinalizationRegistry), or at once through `release` by a fold that owns it.
 */
import { BackendError } from '../../errors.js';
import type { DeviceBuffer } from '../backend.js';
import { KERNEL_CLASS, type GpujsMode, type KernelShortcut, type StartedRuntime } from './runtime.js';

/** A gpu.js pipeline result: a GL texture or a WebGPU buffer handle. */
interface DeviceResident {
  toArray(): Float32Array | Promise<Float32Array>;
  delete(): void;
}
export type Resident = Float32Array | DeviceResident;
export type Pending<T> = T | Promise<T>;

/** What a gpujs DeviceBuffer is behind the opaque type. */
export interface GpujsBuffer {
  readonly size: number;
  readonly value: Pending<Resident>;
}

export const toDevice = (x: GpujsBuffer): DeviceBuffer => x as unknown as DeviceBuffer;
export const fromDevice = (x: DeviceBuffer): GpujsBuffer => x as unknown as GpujsBuffer;

/** One compiled kernel per distinct `key` (op, shapes, options); `source` runs on a cache miss. */
export interface KernelSpec {
  readonly key: string;
  /** Names the kernel and its shapes in errors, e.g. `matmul [256, 784] · [256, 784]ᵀ`. */
  readonly label: string;
  readonly size: number;
  readonly source: () => string;
  readonly constants?: Readonly<Record<string, number>>;
}

export type KernelArgument = GpujsBuffer | number;

export interface DeviceStats {
  /** Compiled kernels in the cache. */
  readonly kernels: number;
  /** Device-resident buffers not yet released (0 in the cpu/webasm modes, which hold host arrays). */
  readonly live: number;
}

export interface Device {
  readonly mode: GpujsMode;
  run(spec: KernelSpec, args: readonly KernelArgument[]): GpujsBuffer;
  upload(values: ArrayLike<number>): GpujsBuffer;
  fill(value: number, size: number): GpujsBuffer;
  download(x: GpujsBuffer): Promise<Float32Array>;
  release(x: GpujsBuffer): void;
  stats(): DeviceStats;
}

const isPromise = <T>(x: Pending<T>): x is Promise<T> => typeof (x as { then?: unknown }).then === 'function';

/** f(values) now when every value is ready, else once they all are. */
const whenAll = <T, R>(values: readonly Pending<T>[], f: (ready: T[]) => Pending<R>): Pending<R> =>
  values.some(isPromise) ? Promise.all(values).then(f) : f(values as T[]);

const ignore = (): void => undefined;
const retain = (_: unknown): void => undefined;

/** gpu.js errors can carry the whole generated shader; keep what names the problem. */
const reason = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  const cut = text.split('\n--- generated')[0].trim();
  return cut.length > 600 ? `${cut.slice(0, 600)}…` : cut;
};

export const createDevice = (runtime: StartedRuntime): Device => {
  const { mode, gpu } = runtime;
  const resident = mode !== 'cpu' && mode !== 'webasm';
  const kernels = new Map<string, { readonly kernel: KernelShortcut; checked: boolean }>();
  const released = new WeakSet<GpujsBuffer>();
  const counter = { live: 0 };
  const destroyResident = (value: Pending<Resident>): void => {
    counter.live--;
    const drop = (r: Resident): void => {
      if (!(r instanceof Float32Array)) r.delete();
    };
    if (isPromise(value)) value.then(drop, ignore);
    else drop(value);
  };
  const registry = new FinalizationRegistry<Pending<Resident>>(destroyResident);
  const empty: GpujsBuffer = { size: 0, value: new Float32Array(0) };

  const wrap = (size: number, value: Pending<Resident>): GpujsBuffer => {
    if (isPromise(value)) value.catch(ignore); // a failure surfaces where the value is read, not as an unhandled rejection
    const buffer = { size, value };
    if (resident) {
      counter.live++;
      registry.register(buffer, value, buffer);
    }
    return buffer;
  };

  const fail = (label: string, error: unknown): BackendError =>
    error instanceof BackendError ? error : new BackendError(`gpujs(${mode}) ${label}`, `kernel failed: ${reason(error)}`);

  const kernelFor = (spec: KernelSpec): { readonly kernel: KernelShortcut; checked: boolean } => {
    const cached = kernels.get(spec.key);
    if (cached !== undefined) return cached;
    let kernel: KernelShortcut;
    try {
      kernel = gpu.createKernel(spec.source(), {
        output: [spec.size],
        pipeline: true,
        immutable: true,
        precision: 'single',
        tactic: 'precision',
        ...(spec.constants === undefined ? {} : { constants: spec.constants }),
      });
    } catch (error) {
      throw fail(spec.label, error);
    }
    const entry = { kernel, checked: false };
    kernels.set(spec.key, entry);
    return entry;
  };

  /** gpu.js degrades silently (to its cpu kernel); a kernel that did is an error, not a result. */
  const checkMode = (spec: KernelSpec, entry: { readonly kernel: KernelShortcut; checked: boolean }): void => {
    if (entry.checked) return;
    const ran = entry.kernel.kernel.constructor.name;
    if (ran !== KERNEL_CLASS[mode]) {
      const why = entry.kernel.kernel.fallbackReason;
      throw new BackendError(`gpujs(${mode}) ${spec.label}`, `gpu.js ran this kernel as ${ran} instead of ${KERNEL_CLASS[mode]}${why === undefined ? '' : ` (${why})`}`);
    }
    entry.checked = true;
  };

  const device: Device = {
    mode,
    run: (spec, args) => {
      if (spec.size === 0) return empty;
      for (const arg of args) {
        if (typeof arg !== 'number' && released.has(arg)) {
          throw new BackendError(`gpujs(${mode}) ${spec.label}`, 'an input buffer was already released (release() was called on a buffer still in use)');
        }
      }
      const entry = kernelFor(spec);
      // gpu.js cannot bind an empty array; kernels never read an empty input (their loops run 0 times).
      const values = args.map((arg) => (typeof arg === 'number' ? arg : arg.size === 0 ? new Float32Array(1) : arg.value));
      let out: Pending<Resident>;
      try {
        out = whenAll<unknown, Resident>(values, (ready) => {
          const result = entry.kernel(...ready) as Pending<Resident>;
          // Naming `args` here keeps the input handles reachable until the kernel has run: the
          // finalizer must not delete an input's device memory while a kernel still waits on it.
          retain(args);
          if (isPromise(result)) {
            return result.then(
              (r) => {
                checkMode(spec, entry);
                return r;
              },
              (error: unknown) => Promise.reject(fail(spec.label, error)),
            );
          }
          checkMode(spec, entry);
          return result;
        });
      } catch (error) {
        throw fail(spec.label, error);
      }
      return wrap(spec.size, isPromise(out) ? out.catch((error: unknown) => Promise.reject(fail(spec.label, error))) : out);
    },
    upload: (values) => {
      const host = Float32Array.from(values);
      if (!resident) return wrap(host.length, host);
      return device.run({ key: `upload:${host.length}`, label: `upload [${host.length}]`, size: host.length, source: () => 'function (x) { return x[this.thread.x]; }' }, [
        { size: host.length, value: host },
      ]);
    },
    fill: (value, size) => {
      if (size === 0) return empty;
      if (!resident) return wrap(size, new Float32Array(size).fill(value));
      return device.run({ key: `fill:${size}`, label: `fill [${size}]`, size, source: () => 'function (v) { return v; }' }, [value]);
    },
    download: async (x) => {
      if (released.has(x)) throw new BackendError(`gpujs(${mode}) download`, 'the buffer was already released');
      const value = await x.value;
      if (value instanceof Float32Array) return value.slice(0, x.size);
      try {
        const host = await value.toArray();
        return Float32Array.from(host.subarray(0, x.size));
      } catch (error) {
        throw new BackendError(`gpujs(${mode}) download [${x.size}]`, `readback failed: ${reason(error)}`);
      }
    },
    release: (x) => {
      if (!resident || x.size === 0 || released.has(x)) return;
      released.add(x);
      registry.unregister(x);
      destroyResident(x.value);
    },
    stats: () => ({ kernels: kernels.size, live: counter.live }),
  };
  return device;
};
