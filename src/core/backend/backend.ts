/**
 * The one seam between purenet's math and the machine. A backend owns opaque device buffers and
 * runs kernels on them. Kernels are dispatched synchronously and return new buffers (a buffer is
 * never written after it is returned; a released one is refused), while reading a buffer back to
 * the host is a Promise: a WebGPU readback is asynchronous, a CPU readback resolves at once, and
 * both go through the same API.
 */
import type { Shape } from '../shape.js';

export type DType = 'float32' | 'float64';
export type BackendName = 'reference' | 'cpu' | 'gpujs';

/** Opaque handle to a backend-owned buffer. Only the backend that made it may look inside. */
export interface DeviceBuffer {
  readonly __deviceBuffer: unique symbol;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'tanh' | 'erf';
/** Arithmetic and comparisons (a comparison yields 1 where it holds, 0 elsewhere). */
/** `maskPositive(a, b)`: a where b > 0, else 0 (the ReLU backward: a cotangent masked by the output). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'greater' | 'greaterEqual' | 'equal' | 'maskPositive';
export type ReduceOp = 'sum' | 'max';

/** `C = op(A) · op(B)`; A is m×k after op (stored k×m when transA), B is k×n after op. */
export interface MatmulSpec {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** Work fused into the store of a matmul: `relu(C + bias)` with bias broadcast over rows. */
export interface MatmulEpilogue {
  readonly bias?: DeviceBuffer;
  readonly relu?: boolean;
}

/**
 * Per-example soft-target cross-entropy description, shared by forward and backward:
 * row n has target weights a[n, c] = w_c * ((1 - smoothing) * [c = y_n] + smoothing / C),
 * or all zeros when y_n = ignoreIndex.
 */
export interface CrossEntropyTargets {
  readonly labels: Int32Array;
  readonly classWeights: Float64Array | undefined;
  readonly labelSmoothing: number;
  readonly ignoreIndex: number;
}

/**
 * Scalars of one fused Adam sweep (train/adam.ts and train/optimizers.ts derive them in float64).
 * Per element, with p the parameter when one is given:
 *   g' = g + coupledDecay p;  mu' = mu b1 + g' (1 - b1);  nu' = nu b2 + g'^2 (1 - b2);
 *   d = (mu' / (sqrt(nu') + epsScaled)) stepScale + decoupledDecay p;
 *   result = applyFactor === undefined ? d : p + d applyFactor.
 */
export interface AdamHyper {
  readonly b1: number;
  readonly b2: number;
  readonly stepScale: number;
  readonly epsScaled: number;
  /** torch.optim.Adam's weight_decay (L2 added to the gradient); 0 when absent. */
  readonly coupledDecay?: number;
  /** torch.optim.AdamW's weight_decay (added to the direction); 0 when absent. */
  readonly decoupledDecay?: number;
  /** When set, the result is the new parameter `p + d applyFactor` (applyFactor = -lr). */
  readonly applyFactor?: number;
}

export interface Backend {
  readonly name: BackendName;
  readonly dtype: DType;
  /** Human-readable: backend, dtype, kernel flavour, threads, gpu.js mode. Printed by examples. */
  readonly description: string;

  upload(values: ArrayLike<number>, shape: Shape): DeviceBuffer;
  /** A copy of the buffer's contents on the host; the caller owns the returned array. */
  download(x: DeviceBuffer, shape: Shape): Promise<Float32Array | Float64Array>;
  fill(value: number, shape: Shape): DeviceBuffer;

  unary(op: UnaryOp, x: DeviceBuffer, shape: Shape): DeviceBuffer;
  /** Elementwise with NumPy broadcasting of both operands to `outShape`. */
  binary(op: BinaryOp, a: DeviceBuffer, aShape: Shape, b: DeviceBuffer, bShape: Shape, outShape: Shape): DeviceBuffer;
  /** Reduces over sorted, distinct `axes`; the result has those axes removed. */
  reduce(op: ReduceOp, x: DeviceBuffer, shape: Shape, axes: readonly number[]): DeviceBuffer;
  broadcastTo(x: DeviceBuffer, shape: Shape, outShape: Shape): DeviceBuffer;
  transpose(x: DeviceBuffer, shape: Shape, perm: readonly number[]): DeviceBuffer;
  /**
   * Joins `inputs` along `axis` in order; they agree on every other axis, and `outShape` is the
   * result's shape (`outShape[axis]` = the sum of theirs). Inputs may be empty.
   */
  concat(inputs: readonly { readonly buffer: DeviceBuffer; readonly shape: Shape }[], axis: number, outShape: Shape): DeviceBuffer;
  /** The block of `x` (of `shape`) that starts at `begin` and has shape `outShape` (it fits). */
  slice(x: DeviceBuffer, shape: Shape, begin: readonly number[], outShape: Shape): DeviceBuffer;
  matmul(a: DeviceBuffer, b: DeviceBuffer, spec: MatmulSpec, epilogue?: MatmulEpilogue): DeviceBuffer;

  /** Per-row loss l[n] = sum_c a[n,c] (lse(z_n) - z[n,c]) and the row softmax, for logits [n, c]. */
  crossEntropy(logits: DeviceBuffer, n: number, c: number, targets: CrossEntropyTargets): { readonly loss: DeviceBuffer; readonly softmax: DeviceBuffer };
  /** d logits[n,c] = ct[n] * (softmax[n,c] * sum_c' a[n,c'] - a[n,c]). */
  crossEntropyBackward(softmax: DeviceBuffer, ct: DeviceBuffer, n: number, c: number, targets: CrossEntropyTargets): DeviceBuffer;

  /**
   * Optional fused optimizer sweep (see AdamHyper for the formula): Adam's moments, its direction
   * and, given the parameter, weight decay and the parameter update, in one pass instead of up to
   * fourteen. `param` is required when a decay or `applyFactor` is set. Optimizers compose the
   * same formula from ops when a backend lacks it; results agree bitwise in float64.
   */
  adamStep?(
    g: DeviceBuffer,
    mu: DeviceBuffer,
    nu: DeviceBuffer,
    shape: Shape,
    hyper: AdamHyper,
    param?: DeviceBuffer,
  ): { readonly result: DeviceBuffer; readonly mu: DeviceBuffer; readonly nu: DeviceBuffer };

  /**
   * Optional: the caller will never use `x` again, so the backend may recycle its memory now
   * (the cpu backend does for the results `adamStep` keeps in its arena, gpujs for device memory).
   * Any method given a released buffer afterwards throws a BackendError.
   */
  release?(x: DeviceBuffer): void;
  /**
   * Optional: a buffer holding `x`'s values that stays valid whatever is released later (`x`
   * itself when the backend never recycles it). fit, which releases the optimizer state of the
   * steps it has finished with (on backends with both methods), hands its callers such buffers.
   */
  persist?(x: DeviceBuffer): DeviceBuffer;
  /**
   * Optional: buffers this backend makes until the scope ends may live in memory it recycles at
   * `end` (the cpu backend, with threads, computes large products in place there). trainStep runs
   * each step in one: it persists what it returns, and the rest (activations, cotangents,
   * gradients) is released. Scopes end in the reverse order of their start.
   */
  scope?(): BufferScope;
}

/** Buffers made between a backend's `scope()` and `end()`. */
export interface BufferScope {
  /** Whether `x` was made in this scope (so `end` releases it). */
  owns(x: DeviceBuffer): boolean;
  /** Releases every buffer made in this scope: any method given one afterwards throws. */
  end(): void;
}
