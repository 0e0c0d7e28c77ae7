/**
 * The float32 CPU backend, the default where no GPU answers. Matmul (and the dense layer's fused
 * bias + ReLU epilogue) runs in the fastest kernel this runtime offers: WebAssembly SIMD when the
 * runtime validates it (wasm/, ~55 GFLOP/s on one core here, and steps over the zeros of a
 * mostly-zero operand), shared between threads for large products where the runtime can start
 * workers (Node), else register-blocked JS (~3 GFLOP/s). Elementwise binary ops, column sums,
 * Adam's sweep and the fused softmax / cross-entropy also run as WebAssembly where it validates.
 * The choice is explicit in the options and always visible in `description`; asking for
 * something that cannot run is an error, never a silent fallback.
 */
import { arrayBackend, type MatmulKernel } from './array/array-backend.js';
import { matmulBlocked } from './array/matmul.js';
import type { Backend, BufferScope, DeviceBuffer } from './backend.js';
import { sizeOf } from '../shape.js';
import { createWasmAdam, defaultArenaBytes, type AdamHome } from './wasm/adam.js';
import type { Arena } from './wasm/arena.js';
import type { Allocate } from './copy-out.js';
import { createWasmCrossEntropy } from './wasm/cross-entropy.js';
import { createWasmElementwise, minWasmElements } from './wasm/elementwise.js';
import { BackendError, InvalidArgumentError } from '../errors.js';
import { createWasmMatmul, type WasmMatmul, type WasmMatmulOptions, type WasmSimdFlavour } from './wasm/matmul.js';
import { nodeThreadSpawner } from './wasm/node-threads.js';
import { minUninitializedFloats, nodeUninitializedAllocator } from './node-alloc.js';
import { zeroFilled } from './copy-out.js';
import { createThreadedWasmMatmul, type ThreadedHome } from './wasm/threaded.js';

export interface CpuBackendOptions {
  /** Matmul kernel family: 'auto' (wasm when available), 'wasm' (required), or 'js' (portable loops). */
  readonly kernels?: 'auto' | 'wasm' | 'js';
  /** WebAssembly flavour wish: relaxed-SIMD FMA (when the runtime has it) or mul+add. */
  readonly simd?: WasmSimdFlavour;
  /**
   * Threads that share a large matmul, the calling thread included (wasm kernels, Node's
   * worker_threads). Default: the number of cores, at most 4, or 1 where workers cannot start;
   * 1 keeps everything on the calling thread. Results are bitwise the same for every count, and
   * products under ~4 MFLOP stay on the calling thread. Workers start at the first large product.
   */
  readonly threads?: number;
  /**
   * Zero skipping (wasm kernels; default true): a large matmul whose operand is mostly +0 (MNIST
   * pixels, ReLU outputs, one-hot inputs) lists that operand's non-zeros per row and steps over
   * those alone. Results are bitwise those of the dense kernel (it stands down when the other
   * operand holds ±∞ or NaN); false measures the dense kernel alone.
   */
  readonly zeroSkip?: boolean;
}

/** The cpu backend; `close` stops its worker threads (optional: idle workers never keep a process alive). */
export interface CpuBackend extends Backend {
  /** Stops and joins the matmul workers; the backend keeps working on the calling thread. */
  close(): Promise<void>;
}

/** Beyond 4 threads the MLP's 256-row products split too finely to gain (and cores are shared). */
const maximumDefaultThreads = 4;

const jsMatmul: MatmulKernel = (a, b, spec, epilogue) => matmulBlocked(Float32Array, a, b, spec, epilogue);

export const cpuBackend = (options: CpuBackendOptions = {}): CpuBackend => {
  const requested = options.kernels ?? 'auto';
  checkThreads(options.threads, requested);
  // Tensor buffers are never written after creation, so the kernels may keep an operand between
  // products; results that a copy fills entirely skip the zero fill where the runtime allows (Node).
  const allocate = nodeUninitializedAllocator() ?? zeroFilled;
  const prefer = {
    ...(options.simd === undefined ? {} : { prefer: options.simd }), ...(options.zeroSkip === false ? { zeroSkip: false } : {}),
    residentOperands: true, allocate,
  };
  // Shared products' results: in the innermost open scope, the threaded kernel's results arena
  // (set below, once the kernel exists); outside scopes, fresh arrays.
  const scopes: Set<Float32Array>[] = [];
  let inScope: ((length: number) => Float32Array | undefined) | undefined;
  const allocateResult: Allocate = (length) => (scopes.length === 0 ? undefined : inScope?.(length)) ?? allocate(length);
  const wasm = requested === 'js' ? undefined : createWasmKernel(options.threads, { ...prefer, allocateResult });
  if (requested === 'wasm' && wasm === undefined) {
    throw new BackendError('cpuBackend', "kernels 'wasm' requested, but this runtime has no WebAssembly SIMD; use kernels 'js'");
  }
  const kernel = wasm?.kernel;
  const matmul: MatmulKernel =
    kernel === undefined
      ? jsMatmul
      : (a, b, { m, k, n, transA, transB }, epilogue) =>
          kernel.matmul(a as Float32Array, b as Float32Array, m, k, n, transA, transB, epilogue as { bias?: Float32Array; relu?: boolean } | undefined);
  const kernels = kernel === undefined ? 'js kernels' : `wasm-simd ${kernel.flavour} kernels${options.zeroSkip === false ? ', no zero skipping' : ''}`;
  const threads = wasm?.threads ?? 1;
  const backend = arrayBackend({
    name: 'cpu',
    dtype: 'float32',
    description: `cpu (float32, ${kernels}, ${threads} thread${threads === 1 ? '' : 's'})`,
    array: Float32Array,
    allocate,
    matmul,
  });
  // Adam's sweep in WebAssembly SIMD where it validates (the common case: no decay, update applied),
  // its results in an arena: the threaded kernel's when there is one, so that products read them
  // in place (large uploads go there too), else one of its own.
  const home = wasm?.home;
  const wasmAdam = kernel === undefined ? undefined : createWasmAdam(allocate, home === undefined ? defaultArenaBytes : { ...home, readable: [home.results, home.uploads] });
  const generalAdam = backend.adamStep;
  const adamStep: Backend['adamStep'] =
    wasmAdam === undefined || generalAdam === undefined
      ? generalAdam
      : (g, mu, nu, shape, hyper, param) => {
          const fast = param === undefined ? undefined : wasmAdam.step(asF32(g), asF32(mu), asF32(nu), asF32(param), hyper);
          return fast === undefined ? generalAdam(g, mu, nu, shape, hyper, param) : { result: asBuffer(fast.result), mu: asBuffer(fast.mu), nu: asBuffer(fast.nu) };
        };
  const elementwise = kernel === undefined ? undefined : createWasmElementwise(allocate);
  // The fused softmax / cross-entropy pass in WebAssembly for the common targets; bitwise the JS one.
  const wasmCe = kernel === undefined ? undefined : createWasmCrossEntropy(allocate);
  const crossEntropy: Backend['crossEntropy'] = wasmCe === undefined ? backend.crossEntropy : (logits, n, c, targets) => {
    const fast = wasmCe.forward(asF32(logits), n, c, targets);
    return fast === undefined ? backend.crossEntropy(logits, n, c, targets) : { loss: asBuffer(fast.loss), softmax: asBuffer(fast.softmax) };
  };
  const crossEntropyBackward: Backend['crossEntropyBackward'] = wasmCe === undefined ? backend.crossEntropyBackward : (softmax, ct, n, c, targets) => {
    const fast = wasmCe.backward(asF32(softmax), asF32(ct), n, c, targets);
    return fast === undefined ? backend.crossEntropyBackward(softmax, ct, n, c, targets) : asBuffer(fast);
  };
  const binary: Backend['binary'] = elementwise === undefined ? backend.binary : (op, a, aShape, b, bShape, outShape) => {
    const [x, y] = [asF32(a), asF32(b)];
    // Only element-for-element pairs (or a scalar): [n, 1] with [1, n] has equal lengths but broadcasts.
    const n = sizeOf(outShape);
    const simple = (x.length === n || x.length === 1) && (y.length === n || y.length === 1);
    return simple && n >= minWasmElements ? asBuffer(elementwise.binary(op, x, y)) : backend.binary(op, a, aShape, b, bShape, outShape);
  };
  const reduce: Backend['reduce'] = elementwise === undefined ? backend.reduce : (op, x, shape, axes) => {
    const columns = shape.slice(1).reduce((p, d) => p * d, 1);
    const byColumn = op === 'sum' && axes.length === 1 && axes[0] === 0 && shape.length >= 1 && asF32(x).length >= minWasmElements;
    return byColumn ? asBuffer(elementwise.sumColumns(asF32(x), shape[0], columns)) : backend.reduce(op, x, shape, axes);
  };
  const arenas = [...(wasmAdam === undefined ? [] : [wasmAdam.arena]), ...(home === undefined ? [] : [home.uploads, home.results])];
  const released = arenas.length === 0 ? undefined : checkedAgainst(arenas, allocate);
  const results = home?.results;
  inScope = results === undefined ? undefined : (length) => {
    const region = length >= minUninitializedFloats ? results.take(length) : undefined;
    if (region === undefined) return undefined;
    const x = results.view(region, length);
    scopes[scopes.length - 1].add(x);
    return x;
  };
  const scope = (): BufferScope => {
    const made = new Set<Float32Array>();
    scopes.push(made);
    return {
      owns: (x) => made.has(asF32(x)),
      end: () => {
        if (scopes[scopes.length - 1] !== made) throw new BackendError('cpu scope', 'expected scopes to end in the reverse order of their start');
        scopes.pop();
        results?.release([...made]);
      },
    };
  };
  const upload: Backend['upload'] = home === undefined ? backend.upload : (values, shape) => {
    const region = values.length >= minUninitializedFloats ? home.uploads.take(values.length) : undefined;
    if (region === undefined) return backend.upload(values, shape);
    const x = home.uploads.view(region, values.length);
    x.set(values);
    return asBuffer(x);
  };
  return {
    ...backend, binary, reduce, adamStep, crossEntropy, crossEntropyBackward,
    ...(released === undefined ? {} : released({ ...backend, upload, binary, reduce, adamStep, crossEntropy, crossEntropyBackward })),
    ...(results === undefined ? {} : { scope }),
    close: async () => wasm?.close(),
  };
};

/**
 * Adam's results, and large uploads with threads, live in arenas until released (wasm/arena.ts):
 * every method refuses a released buffer, with a BackendError naming it, before it could read
 * recycled memory.
 */
const checkedAgainst = (arenas: readonly Arena[], allocate: Allocate) => (b: Backend): Omit<Backend, 'name' | 'dtype' | 'description'> => {
  const live = (api: string, ...xs: readonly (DeviceBuffer | undefined)[]): void => {
    for (const x of xs) if (x !== undefined) for (const arena of arenas) arena.check(api, asF32(x));
  };
  return {
    upload: b.upload, // large uploads go to the arena (threads): fit releases each batch after its step
    fill: b.fill,
    download: (x, shape) => {
      try {
        live('download', x);
      } catch (error) {
        return Promise.reject(error); // a readback fails as a Promise, as on every backend
      }
      return b.download(x, shape);
    },
    unary: (op, x, shape) => (live(op, x), b.unary(op, x, shape)),
    binary: (op, x, xShape, y, yShape, outShape) => (live(op, x, y), b.binary(op, x, xShape, y, yShape, outShape)),
    reduce: (op, x, shape, axes) => (live(op, x), b.reduce(op, x, shape, axes)),
    broadcastTo: (x, shape, outShape) => (live('broadcastTo', x), b.broadcastTo(x, shape, outShape)),
    transpose: (x, shape, perm) => (live('transpose', x), b.transpose(x, shape, perm)),
    concat: (inputs, axis, outShape) => (live('concat', ...inputs.map((input) => input.buffer)), b.concat(inputs, axis, outShape)),
    slice: (x, shape, begin, outShape) => (live('slice', x), b.slice(x, shape, begin, outShape)),
    matmul: (x, y, spec, epilogue) => (live('matmul', x, y, epilogue?.bias), b.matmul(x, y, spec, epilogue)),
    crossEntropy: (logits, n, c, targets) => (live('crossEntropy', logits), b.crossEntropy(logits, n, c, targets)),
    crossEntropyBackward: (softmax, ct, n, c, targets) => (live('crossEntropy', softmax, ct), b.crossEntropyBackward(softmax, ct, n, c, targets)),
    adamStep: b.adamStep === undefined ? undefined : (g, mu, nu, shape, hyper, param) => (live('adamStep', g, mu, nu, param), (b.adamStep as NonNullable<Backend['adamStep']>)(g, mu, nu, shape, hyper, param)),
    release: (x) => arenas.forEach((arena) => arena.release([asF32(x)])),
    persist: (x) => asBuffer(arenas.reduce((kept, arena) => arena.persist(kept, allocate), asF32(x))),
  };
};

const asF32 = (x: DeviceBuffer): Float32Array => x as unknown as Float32Array;
const asBuffer = (x: Float32Array): DeviceBuffer => x as unknown as DeviceBuffer;

function checkThreads(threads: number | undefined, kernels: 'auto' | 'wasm' | 'js'): void {
  if (threads === undefined) return;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError('cpuBackend', `expected threads to be a positive integer, got ${threads}`);
  }
  if (threads > 1 && kernels === 'js') {
    throw new BackendError('cpuBackend', `threads: ${threads} needs the wasm kernels, but kernels 'js' was requested; use threads: 1`);
  }
}

interface WasmKernel {
  readonly kernel: WasmMatmul;
  readonly threads: number;
  /** The threaded kernel's arenas and Adam sweep (wasm/threaded.ts). */
  readonly home?: ThreadedHome;
  close(): Promise<void>;
}

const singleThread = (kernel: WasmMatmul | undefined): WasmKernel | undefined =>
  kernel === undefined ? undefined : { kernel, threads: 1, close: async () => undefined };

/**
 * The threaded kernel when more than one thread is wanted and possible, else the single-thread
 * one. An explicit thread count that cannot be honoured is an error; the default quietly uses 1.
 */
function createWasmKernel(threads: number | undefined, prefer: Pick<WasmMatmulOptions, 'prefer' | 'zeroSkip' | 'residentOperands' | 'allocate'> & { readonly allocateResult: Allocate }): WasmKernel | undefined {
  if (threads === 1) return singleThread(createWasmMatmul(prefer));
  const spawner = nodeThreadSpawner();
  const wanted = threads ?? Math.min(maximumDefaultThreads, spawner?.cores ?? 1);
  if (wanted === 1) return singleThread(createWasmMatmul(prefer));
  const threaded = spawner === undefined ? undefined : createThreadedWasmMatmul({ threads: wanted, spawner, ...prefer, arenaBytes: defaultArenaBytes });
  if (threaded !== undefined) return { kernel: threaded, threads: threaded.threads, home: threaded.home, close: () => threaded.close() };
  if (threads !== undefined) {
    const why = spawner === undefined ? 'cannot start worker threads (Node ≥ 20.16 has them)' : 'has no WebAssembly SIMD with shared memory';
    throw new BackendError('cpuBackend', `threads: ${threads} requested, but this runtime ${why}; use threads: 1`);
  }
  return singleThread(createWasmMatmul(prefer));
}
