/**
 * Starting gpu.js in one mode, honestly. gpu.js silently degrades (to webasm, or to its cpu kernel)
 * when a mode cannot run; here a requested mode either starts, proven by a probe kernel whose
 * class and float32 values are checked, or fails with a BackendError that says why and what to
 * install. `auto` tries the modes in order and reports which one it took and why others were
 * passed over.
 */
import { BackendError, InvalidArgumentError } from '../../errors.js';

export type GpujsMode = 'webgpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';
export type GpujsModeOption = GpujsMode | 'auto';

/** The part of a gpu.js kernel shortcut this backend uses (gpu.js's own typings are looser). */
export interface KernelShortcut {
  (...args: unknown[]): unknown;
  readonly kernel: { readonly constructor: { readonly name: string }; readonly fallbackReason?: string };
  destroy(): void;
}

export interface GpuInstance {
  createKernel(source: string, settings: object): KernelShortcut;
  destroy(): void;
}

/** A gpu.js instance that has run a probe kernel in the requested mode. */
export interface StartedRuntime {
  readonly mode: GpujsMode;
  readonly gpu: GpuInstance;
  /** Device detail for `description`, e.g. 'llvmpipe: Mesa 25.0.7 …, software'. */
  readonly device: string | undefined;
  /** True when the device is a software rasteriser / fallback adapter. */
  readonly software: boolean;
}

/** The gpu.js kernel class each mode must end up running (checked on every kernel's first call). */
export const KERNEL_CLASS: { readonly [M in GpujsMode]: string } = {
  webgpu: 'WebGPUKernel',
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  headlessgl: 'HeadlessGLKernel',
  webasm: 'WebAssemblyKernel',
  cpu: 'CPUKernel',
};

const AUTO_ORDER: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

interface GpuNavigator { gpu?: { requestAdapter(): Promise<Adapter | null> } }
interface Adapter { readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean } }

const navigatorGpu = (): GpuNavigator['gpu'] => (globalThis as { navigator?: GpuNavigator }).navigator?.gpu;

/**
 * In Node, WebGPU comes from Dawn (npm `webgpu`, a dev dependency here): its globals are
 * installed once, process-wide, the way a browser provides them. Returns why it is unavailable.
 */
const ensureWebGpu = async (): Promise<string | undefined> => {
  if (navigatorGpu() !== undefined) return undefined;
  if (!isNode) return 'this browser has no WebGPU (navigator.gpu is missing)';
  let dawn: { create(options: string[]): unknown; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    return `the npm package 'webgpu' (Dawn for Node) did not load: ${(error as Error).message.split('\n')[0]}; install it with npm install webgpu@0.6.2`;
  }
  if (navigatorGpu() !== undefined) return undefined;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true });
  return undefined;
};

const webGpuAdapter = async (): Promise<{ detail: string; software: boolean } | string> => {
  const why = await ensureWebGpu();
  if (why !== undefined) return why;
  let adapter: Adapter | null;
  try {
    adapter = (await navigatorGpu()?.requestAdapter()) ?? null;
  } catch (error) {
    return `requestAdapter() failed: ${(error as Error).message}`;
  }
  if (adapter === null) {
    return 'navigator.gpu answered no adapter; in Node on Debian 12, Dawn needs a Vulkan driver it accepts: mesa-vulkan-drivers from bookworm-backports (.ci/gpu-setup.sh)';
  }
  const info = adapter.info ?? {};
  const name = info.description !== undefined && info.description !== '' ? info.description : [info.vendor, info.device].filter(Boolean).join(' ');
  const software = info.isFallbackAdapter === true || info.architecture === 'software' || SOFTWARE.test(name);
  return { detail: `${name || 'unknown adapter'}${software ? ', software' : ''}`, software };
};

/** Why headless-gl cannot start, in terms a user can act on. */
const headlessGlProblem = async (): Promise<string> => {
  if (!isNode) return 'headlessgl runs in Node only; in a browser use webgl2 or webgl';
  try {
    const { createRequire } = await import('node:module');
    createRequire(import.meta.url)('gl');
  } catch (error) {
    return `the npm package 'gl' (headless-gl) is not built: ${(error as Error).message.split('\n')[0]}; install its build headers (.ci/gpu-setup.sh) before npm install`;
  }
  if (process.env.DISPLAY === undefined || process.env.DISPLAY === '') return 'no X display for headless-gl (DISPLAY is unset); run under `xvfb-run -a`';
  return `headless-gl could not create a WebGL context on display ${process.env.DISPLAY}`;
};

const unsupportedReason = async (mode: GpujsMode): Promise<string> => {
  switch (mode) {
    case 'webgl2':
    case 'webgl':
      return isNode ? `${mode} needs a browser; in Node use webgpu (npm webgpu) or headlessgl (npm gl + Xvfb)` : `this browser has no ${mode} context`;
    case 'headlessgl':
      return await headlessGlProblem();
    case 'webasm':
      return 'WebAssembly is not available in this runtime';
    default:
      return `gpu.js does not support mode ${mode} here`;
  }
};

type GpuConstructor = new (settings: { mode: string }) => GpuInstance;

const loadGpu = async (): Promise<GpuConstructor> => {
  const module = (await import('gpu.js')) as unknown as { GPU?: GpuConstructor; default?: { GPU: GpuConstructor } };
  const GPU = module.GPU ?? module.default?.GPU;
  if (GPU === undefined) throw new BackendError('gpujsBackend', 'the npm package gpu.js did not export GPU');
  return GPU;
};

/** The unmasked renderer of a GL kernel's context, when the driver tells (e.g. 'llvmpipe ...'). */
const glRenderer = (kernel: KernelShortcut['kernel']): string | undefined => {
  const gl = (kernel as { context?: { getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown } }).context;
  try {
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = info === null || info === undefined ? undefined : gl?.getParameter(info.UNMASKED_RENDERER_WEBGL);
    return typeof renderer === 'string' && renderer !== '' ? renderer : undefined;
  } catch {
    return undefined;
  }
};

/** Runs a probe kernel: it must run in the requested kernel class and keep float32 values exactly. */
const probe = async (gpu: GpuInstance, mode: GpujsMode): Promise<{ readonly failed: string } | { readonly renderer: string | undefined }> => {
  const values = Float32Array.from([0.1, 1 / 3, -2.5e-7, 12345.678, -0.875]);
  const settings = { output: [values.length], pipeline: true, immutable: true, precision: 'single', tactic: 'precision' };
  const copy = gpu.createKernel('function (x) { return x[this.thread.x]; }', settings);
  const twice = gpu.createKernel('function (x) { return x[this.thread.x] * 2; }', settings);
  try {
    const resident = await copy(values);
    const out = (await twice(resident)) as { toArray(): Promise<Float32Array> | Float32Array } | Float32Array;
    const host = out instanceof Float32Array ? out : await out.toArray();
    const ran = twice.kernel.constructor.name;
    if (ran !== KERNEL_CLASS[mode]) return { failed: `gpu.js fell back to ${ran}${twice.kernel.fallbackReason === undefined ? '' : ` (${twice.kernel.fallbackReason})`}` };
    const wrong = values.findIndex((v, i) => host[i] !== Math.fround(2 * v));
    if (wrong >= 0) return { failed: `the probe kernel computed 2 * ${values[wrong]} = ${host[wrong]}: no float32 (single precision) render targets` };
    return { renderer: glRenderer(twice.kernel) };
  } catch (error) {
    return { failed: `the probe kernel failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    copy.destroy();
    twice.destroy();
  }
};

/**
 * Starts one mode, or returns the reason it cannot run. With `rejectSoftware`, a software GPU
 * (lavapipe, llvmpipe, SwiftShader) counts as a reason: it runs gpu.js kernels slower than webasm.
 */
const tryStart = async (mode: GpujsMode, rejectSoftware = false): Promise<StartedRuntime | string> => {
  let device: string | undefined;
  let software = false;
  if (mode === 'webgpu') {
    const adapter = await webGpuAdapter();
    if (typeof adapter === 'string') return adapter;
    ({ detail: device, software } = adapter);
    if (software && rejectSoftware) return `software adapter (${device}), slower than webasm`;
  }
  const GPU = await loadGpu();
  let gpu: GpuInstance;
  try {
    gpu = new GPU({ mode });
  } catch (error) {
    return `${await unsupportedReason(mode)} (gpu.js: ${(error as Error).message})`;
  }
  const result = await probe(gpu, mode);
  if ('failed' in result) {
    gpu.destroy();
    return mode === 'headlessgl' && /fell back/.test(result.failed) ? `${result.failed}; ${await headlessGlProblem()}` : result.failed;
  }
  if (mode !== 'webgpu' && result.renderer !== undefined) {
    software = SOFTWARE.test(result.renderer);
    device = `${result.renderer}${software ? ', software' : ''}`;
  }
  if (software && rejectSoftware) {
    gpu.destroy();
    return `software renderer (${device ?? 'unknown'}), slower than webasm`;
  }
  return { mode, gpu, device, software };
};

/**
 * Starts the requested mode or throws a BackendError with the reason. `auto` takes the first
 * mode in AUTO_ORDER that runs on real GPU hardware, else webasm, else cpu, and returns the
 * reasons the modes before it were passed over (they end up in `description`).
 */
export const startRuntime = async (requested: GpujsModeOption): Promise<{ readonly runtime: StartedRuntime; readonly passedOver: readonly string[] }> => {
  if (requested !== 'auto' && !Object.hasOwn(KERNEL_CLASS, requested)) {
    throw new InvalidArgumentError('gpujsBackend', `expected mode auto | ${Object.keys(KERNEL_CLASS).join(' | ')}, got '${String(requested)}'`);
  }
  if (requested !== 'auto') {
    const started = await tryStart(requested);
    if (typeof started === 'string') throw new BackendError(`gpujsBackend(${requested})`, `gpu.js mode ${requested} cannot run here: ${started}`);
    return { runtime: started, passedOver: [] };
  }
  const passedOver: string[] = [];
  for (const mode of AUTO_ORDER) {
    const started = await tryStart(mode, mode !== 'webasm' && mode !== 'cpu');
    if (typeof started !== 'string') return { runtime: started, passedOver };
    passedOver.push(`${mode}: ${started}`);
  }
  throw new BackendError('gpujsBackend(auto)', `no gpu.js mode could run: ${passedOver.join('; ')}`);
};
