/**
 * The float32 CPU backend, the default where no GPU answers. Matmul (and the dense layer's fused
 * bias + ReLU epilogue) runs in the fastest kernel this runtime offers: WebAssembly SIMD when the
 * runtime validates it (wasm/, ~55 GFLOP/s on one core here), else register-blocked JS
 * (~3 GFLOP/s). The choice is explicit in the options and always visible in `description`;
 * asking for 'wasm' where it cannot run is an error, never a silent fallback.
 */
import { arrayBackend, type MatmulKernel } from './array/array-backend.js';
import { matmulBlocked } from './array/matmul.js';
import type { Backend } from './backend.js';
import { BackendError } from '../errors.js';
import { createWasmMatmul, type WasmSimdFlavour } from './wasm/matmul.js';

export interface CpuBackendOptions {
  /** Matmul kernel family: 'auto' (wasm when available), 'wasm' (required), or 'js' (portable loops). */
  readonly kernels?: 'auto' | 'wasm' | 'js';
  /** WebAssembly flavour wish: relaxed-SIMD FMA (when the runtime has it) or mul+add. */
  readonly simd?: WasmSimdFlavour;
}

const jsMatmul: MatmulKernel = (a, b, spec, epilogue) => matmulBlocked(Float32Array, a, b, spec, epilogue);

export const cpuBackend = (options: CpuBackendOptions = {}): Backend => {
  const requested = options.kernels ?? 'auto';
  const wasm = requested === 'js' ? undefined : createWasmMatmul(options.simd === undefined ? {} : { prefer: options.simd });
  if (requested === 'wasm' && wasm === undefined) {
    throw new BackendError('cpuBackend', "kernels 'wasm' requested, but this runtime has no WebAssembly SIMD; use kernels 'js'");
  }
  const matmul: MatmulKernel =
    wasm === undefined
      ? jsMatmul
      : (a, b, { m, k, n, transA, transB }, epilogue) =>
          wasm.matmul(a as Float32Array, b as Float32Array, m, k, n, transA, transB, epilogue as { bias?: Float32Array; relu?: boolean } | undefined);
  const kernels = wasm === undefined ? 'js kernels' : `wasm-simd ${wasm.flavour} kernels`;
  return arrayBackend({
    name: 'cpu',
    dtype: 'float32',
    description: `cpu (float32, ${kernels}, 1 thread)`,
    array: Float32Array,
    matmul,
  });
};
