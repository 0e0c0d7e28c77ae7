/**
 * The gpujs backend: every Backend method as gpu.js kernels, compiled once per shape and option
 * set, with results kept resident on the device between kernels (textures / storage buffers) in
 * the GPU modes. `download` is the only readback. Creation is asynchronous: it starts gpu.js in
 * the requested mode and proves the mode with a probe kernel, because gpu.js on its own falls
 * back silently; here a mode that cannot run is a BackendError that says why.
 *
 * @example
 * const gpu = await gpujsBackend({ mode: 'webgpu' });
 * gpu.description; // 'gpujs (webgpu, float32, llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1, software)'
 * const y = linear(tensor(gpu, xs, [256, 784]), weight, bias, { activation: 'relu' });
 * await toArray(y); // the one readback
 */
import { BackendError, InvalidArgumentError } from '../../errors.js';
import { sizeOf, type Shape } from '../../shape.js';
import type { Backend, CrossEntropyTargets, DeviceBuffer } from '../backend.js';
import { adamMomentSpec, adamResultSpec, adamVariant } from './adam.js';
import { backwardSpec, hostTargets, lossSpec, softmaxSpec, statsSpec } from './cross-entropy.js';
import { createDevice, fromDevice, toDevice, type DeviceStats, type GpujsBuffer } from './device.js';
import { CONCAT_ARITY, concatSpec, sliceSpec } from './blocks.js';
import { binarySpec, broadcastSpec, transposeSpec, unarySpec } from './elementwise.js';
import { formatDims, MAX_ELEMENTS } from './indexing.js';
import { matmulSpec } from './matmul.js';
import { reducePlan } from './reduce.js';
import { startRuntime, type GpujsMode, type GpujsModeOption } from './runtime.js';

export type { GpujsMode, GpujsModeOption } from './runtime.js';

export interface GpujsBackendOptions {
  /**
   * gpu.js mode. `auto` (default) tries webgpu, webgl2, webgl, headlessgl and takes the first that
   * runs on GPU hardware (a software adapter or renderer it can recognise is passed over), else
   * webasm, else cpu. headless-gl hides its renderer, so under Xvfb auto takes headlessgl.
   */
  readonly mode?: GpujsModeOption;
  /** Only 'single' (float32 textures): 'unsigned' packs values into 8-bit RGBA and is refused. */
  readonly precision?: 'single';
}

export interface GpujsBackend extends Backend {
  readonly name: 'gpujs';
  /** The gpu.js mode that runs every kernel (checked on each kernel's first call). */
  readonly mode: GpujsMode;
  /** Adapter or renderer when the mode reports one, e.g. 'llvmpipe: Mesa 25.0.7 …, software'. */
  readonly device: string | undefined;
  /** With mode `auto`: each mode passed over before `mode`, with the reason. */
  readonly passedOver: readonly string[];
  /** The fused Adam sweep on the device (Backend's optional adamStep). */
  readonly adamStep: NonNullable<Backend['adamStep']>;
  /** Compiled kernels and live device buffers (for tests, benchmarks and leak checks). */
  stats(): DeviceStats;
  /**
   * @internal Releases a buffer's device memory now instead of when it becomes unreachable.
   * Only for a fold that owns the buffer and never hands it out (using it afterwards is an error).
   */
  release(x: DeviceBuffer): void;
}

const checkSize = (api: string, shape: Shape): number => {
  const size = sizeOf(shape);
  if (size > MAX_ELEMENTS) {
    throw new BackendError(api, `gpujs addresses at most ${MAX_ELEMENTS} values per tensor (float32 index arithmetic), got ${formatDims(shape)} = ${size}`);
  }
  return size;
};

/** Starts gpu.js in `options.mode` and returns the backend, or rejects with the reason it cannot run. */
export const gpujsBackend = async (options: GpujsBackendOptions = {}): Promise<GpujsBackend> => {
  const precision: string = options.precision ?? 'single';
  if (precision !== 'single') {
    throw new BackendError(
      'gpujsBackend',
      `expected precision 'single', got '${precision}': 'unsigned' packs every value into 8-bit RGBA texels and loses digits, which training cannot afford`,
    );
  }
  const { runtime, passedOver } = await startRuntime(options.mode ?? 'auto');
  const device = createDevice(runtime);
  const skipped = passedOver.length === 0 ? '' : `; auto passed over ${passedOver.map((p) => p.split(':')[0]).join(', ')}`;
  const description = `gpujs (${runtime.mode}, float32${runtime.device === undefined ? '' : `, ${runtime.device}`}${skipped})`;
  const targetsCache = new WeakMap<CrossEntropyTargets, { readonly weights: GpujsBuffer; readonly totals: GpujsBuffer }>();

  const targetsOnDevice = (targets: CrossEntropyTargets, n: number, c: number) => {
    const cached = targetsCache.get(targets);
    if (cached !== undefined && cached.totals.size === n && cached.weights.size === n * c) return cached;
    const host = hostTargets(targets, n, c);
    const onDevice = { weights: device.upload(host.weights), totals: device.upload(host.totals) };
    targetsCache.set(targets, onDevice);
    return onDevice;
  };

  const backend: GpujsBackend = {
    name: 'gpujs',
    dtype: 'float32',
    description,
    mode: runtime.mode,
    device: runtime.device,
    passedOver,
    stats: () => device.stats(),
    release: (x) => device.release(fromDevice(x)),

    upload: (values, shape) => {
      checkSize('gpujs upload', shape);
      return toDevice(device.upload(values));
    },
    download: (x) => device.download(fromDevice(x)),
    fill: (value, shape) => toDevice(device.fill(value, checkSize('gpujs fill', shape))),

    unary: (op, x, shape) => toDevice(device.run(unarySpec(op, checkSize(`gpujs ${op}`, shape)), [fromDevice(x)])),
    binary: (op, a, aShape, b, bShape, outShape) => {
      checkSize(`gpujs ${op}`, outShape);
      return toDevice(device.run(binarySpec(op, aShape, bShape, outShape), [fromDevice(a), fromDevice(b)]));
    },
    reduce: (op, x, shape, axes) => {
      checkSize(`gpujs ${op}`, shape);
      const plan = reducePlan(op, shape, axes);
      if (plan.passes.length === 0) return toDevice(device.fill(plan.identity, plan.size));
      return toDevice(plan.passes.reduce((input, pass) => device.run(pass, [input]), fromDevice(x)));
    },
    broadcastTo: (x, shape, outShape) => {
      checkSize('gpujs broadcastTo', outShape);
      return toDevice(device.run(broadcastSpec(shape, outShape), [fromDevice(x)]));
    },
    transpose: (x, shape, perm) => {
      checkSize('gpujs transpose', shape);
      return toDevice(device.run(transposeSpec(shape, perm), [fromDevice(x)]));
    },
    concat: (inputs, axis, outShape) => {
      const size = checkSize('gpujs concat', outShape);
      let parts = inputs.filter(({ shape }) => sizeOf(shape) > 0).map(({ buffer, shape }) => ({ buffer: fromDevice(buffer), shape }));
      if (size === 0 || parts.length === 0) return toDevice(device.fill(0, size));
      // A tree of kernels of at most CONCAT_ARITY inputs: each level copies every value once.
      while (parts.length > 1) {
        const next: typeof parts = [];
        for (let k = 0; k < parts.length; k += CONCAT_ARITY) {
          const group = parts.slice(k, k + CONCAT_ARITY);
          if (group.length === 1) {
            next.push(group[0]);
            continue;
          }
          const shape = outShape.map((d, a) => (a === axis ? group.reduce((n, p) => n + p.shape[axis], 0) : d));
          next.push({ buffer: device.run(concatSpec(group.map((p) => p.shape), axis, shape), group.map((p) => p.buffer)), shape });
        }
        parts = next;
      }
      // One non-empty input is the whole output: a buffer is never written, so share it.
      return toDevice(parts[0].buffer);
    },
    slice: (x, shape, begin, outShape) => {
      const size = checkSize('gpujs slice', outShape);
      if (size === 0) return toDevice(device.fill(0, 0));
      return toDevice(device.run(sliceSpec(shape, begin, outShape), [fromDevice(x)]));
    },
    matmul: (a, b, spec, epilogue) => {
      const { m, k, n } = spec;
      for (const shape of [[m, k], [k, n], [m, n]]) checkSize('gpujs matmul', shape);
      const bias = epilogue?.bias;
      const args = bias === undefined ? [fromDevice(a), fromDevice(b)] : [fromDevice(a), fromDevice(b), fromDevice(bias)];
      return toDevice(device.run(matmulSpec(spec, bias !== undefined, epilogue?.relu === true), args));
    },
    crossEntropy: (logits, n, c, targets) => {
      checkSize('gpujs crossEntropy', [n, c]);
      if (c === 0 || n === 0) return { loss: toDevice(device.fill(0, n)), softmax: toDevice(device.fill(0, 0)) };
      const z = fromDevice(logits);
      const stats = device.run(statsSpec(n, c), [z]);
      const { weights } = targetsOnDevice(targets, n, c);
      return {
        loss: toDevice(device.run(lossSpec(n, c), [z, stats, weights])),
        softmax: toDevice(device.run(softmaxSpec(n, c), [z, stats])),
      };
    },
    crossEntropyBackward: (softmax, ct, n, c, targets) => {
      checkSize('gpujs crossEntropyBackward', [n, c]);
      if (c === 0 || n === 0) return toDevice(device.fill(0, 0));
      const { weights, totals } = targetsOnDevice(targets, n, c);
      const cotangent = fromDevice(ct);
      return toDevice(device.run(backwardSpec(n, c, cotangent.size), [fromDevice(softmax), cotangent, weights, totals]));
    },
    adamStep: (g, mu, nu, shape, hyper, param) => {
      const v = adamVariant(checkSize('gpujs adamStep', shape), hyper);
      if ((v.coupled || v.resultReadsParam) && param === undefined) {
        throw new InvalidArgumentError('gpujs adamStep', 'a weight decay or applyFactor needs the parameter, got none');
      }
      const p = param === undefined ? [] : [fromDevice(param)];
      const grad = fromDevice(g);
      const coupled = hyper.coupledDecay ?? 0;
      const mu1 = device.run(adamMomentSpec('mu', v), [grad, fromDevice(mu), ...(v.coupled ? p : []), hyper.b1, 1 - hyper.b1, coupled]);
      const nu1 = device.run(adamMomentSpec('nu', v), [grad, fromDevice(nu), ...(v.coupled ? p : []), hyper.b2, 1 - hyper.b2, coupled]);
      const scalars = [hyper.epsScaled, hyper.stepScale, hyper.decoupledDecay ?? 0, hyper.applyFactor ?? 0];
      const result = device.run(adamResultSpec(v), [mu1, nu1, ...(v.resultReadsParam ? p : []), ...scalars]);
      return { result: toDevice(result), mu: toDevice(mu1), nu: toDevice(nu1) };
    },
  };
  return backend;
};
