/**
 * Builds a Backend over JS typed arrays: the buffer handle IS the typed array. The float64
 * `reference` backend (plain loops, the living specification) and the float32 `cpu` backend are
 * both made here; they differ in array type, matmul kernel and description.
 */
import type { Backend, BackendName, DeviceBuffer, DType, MatmulEpilogue, MatmulSpec } from '../backend.js';
import { sizeOf } from '../../shape.js';
import * as blocks from './blocks.js';
import * as kernels from './kernels.js';
import type { FloatArray, FloatArrayConstructor } from './kernels.js';
import type { Epilogue } from './matmul.js';

export type MatmulKernel = (a: FloatArray, b: FloatArray, spec: MatmulSpec, epilogue?: Epilogue) => FloatArray;

export interface ArrayBackendConfig {
  readonly name: BackendName;
  readonly dtype: DType;
  readonly description: string;
  readonly array: FloatArrayConstructor;
  /** Arrays for uploads, which a copy fills entirely (default: `new array(length)`, zero-filled). */
  readonly allocate?: (length: number) => FloatArray;
  readonly matmul: MatmulKernel;
}

const asArray = (x: DeviceBuffer): FloatArray => x as unknown as FloatArray;
const asBuffer = (x: FloatArray): DeviceBuffer => x as unknown as DeviceBuffer;

export const arrayBackend = (config: ArrayBackendConfig): Backend => {
  const Out = config.array;
  return {
    name: config.name,
    dtype: config.dtype,
    description: config.description,
    upload: (values) => {
      const out = config.allocate?.(values.length) ?? new Out(values.length);
      out.set(values);
      return asBuffer(out);
    },
    download: (x) => Promise.resolve(asArray(x).slice()),
    fill: (value, shape) => asBuffer(new Out(sizeOf(shape)).fill(value)),
    unary: (op, x) => asBuffer(kernels.unary(Out, op, asArray(x))),
    binary: (op, a, aShape, b, bShape, outShape) => asBuffer(kernels.binary(Out, op, asArray(a), aShape, asArray(b), bShape, outShape)),
    reduce: (op, x, shape, axes) => asBuffer(kernels.reduce(Out, op, asArray(x), shape, axes)),
    broadcastTo: (x, shape, outShape) => asBuffer(kernels.broadcastTo(Out, asArray(x), shape, outShape)),
    transpose: (x, shape, perm) => asBuffer(kernels.transpose(Out, asArray(x), shape, perm)),
    concat: (inputs, axis, outShape) => asBuffer(blocks.concat(Out, inputs.map(({ buffer, shape }) => ({ x: asArray(buffer), shape })), axis, outShape)),
    slice: (x, shape, begin, outShape) => asBuffer(blocks.slice(Out, asArray(x), shape, begin, outShape)),
    matmul: (a, b, spec, epilogue?: MatmulEpilogue) =>
      asBuffer(
        config.matmul(asArray(a), asArray(b), spec, epilogue === undefined ? undefined : {
          ...(epilogue.bias === undefined ? {} : { bias: asArray(epilogue.bias) }),
          ...(epilogue.relu === undefined ? {} : { relu: epilogue.relu }),
        }),
      ),
    crossEntropy: (logits, n, c, targets) => {
      const { loss, softmax } = kernels.crossEntropy(Out, asArray(logits), n, c, targets);
      return { loss: asBuffer(loss), softmax: asBuffer(softmax) };
    },
    crossEntropyBackward: (softmax, ct, n, c, targets) => asBuffer(kernels.crossEntropyBackward(Out, asArray(softmax), asArray(ct), n, c, targets)),
    adamStep: (g, mu, nu, _shape, hyper, param) => {
      const out = kernels.adamStep(Out, asArray(g), asArray(mu), asArray(nu), hyper, param === undefined ? undefined : asArray(param));
      return { result: asBuffer(out.result), mu: asBuffer(out.mu), nu: asBuffer(out.nu) };
    },
  };
};
