/**
 * The float64 reference backend: plain loops, no tricks. It is the living specification that
 * every other backend is checked against, and what gradient checks differentiate numerically.
 */
import { arrayBackend } from './array/array-backend.js';
import { matmulReference } from './array/matmul.js';
import type { Backend } from './backend.js';

export const referenceBackend = (): Backend =>
  arrayBackend({
    name: 'reference',
    dtype: 'float64',
    description: 'reference (float64, plain loops)',
    array: Float64Array,
    matmul: (a, b, spec, epilogue) => matmulReference(Float64Array, a, b, spec, epilogue),
  });
