/**
 * Elementwise kernels as gpu.js sources: unary maths, broadcasting binary ops, broadcastTo and
 * transpose (a gather through permuted strides). One thread per output value. Functions the
 * shader languages lack or compute inaccurately near 0 (log1p, tanh, erf) are written out with
 * a short series near 0 and a stable closed form elsewhere, to float32 accuracy.
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { KernelSpec } from './device.js';
import { broadcastStrides, collapse, formatDims, indexCode } from './indexing.js';

const kernel = (args: string, body: readonly string[]): string => `function (${args}) {\n  ${body.join('\n  ')}\n}`;

/** Body lines computing `return f(v)` for a value already in variable `v`. */
const UNARY_BODY: { readonly [Op in UnaryOp]: readonly string[] } = {
  neg: ['return -v;'],
  exp: ['return Math.exp(v);'],
  log: ['return Math.log(v);'],
  sqrt: ['return Math.sqrt(v);'],
  // log(1 + v) loses v's digits near 0: alternating series below |v| = 0.1 (error < 1e-9).
  log1p: [
    'if (Math.abs(v) < 0.1) {',
    '  return v * (1 - v * (0.5 - v * (0.3333333333 - v * (0.25 - v * (0.2 - v * (0.1666666667 - v * (0.1428571429 - v * 0.125)))))));',
    '}',
    'return Math.log(1 + v);',
  ],
  // (1 - e^-2|v|) / (1 + e^-2|v|) never overflows; odd series below |v| = 0.125 where it cancels.
  tanh: [
    'const a = Math.abs(v);',
    'let t = 0;',
    'if (a < 0.125) {',
    '  const s = a * a;',
    '  t = a * (1 - s * (0.3333333333 - s * (0.1333333333 - s * (0.0539682540 - s * 0.0218694885))));',
    '} else {',
    '  const e = Math.exp(-2 * a);',
    '  t = (1 - e) / (1 + e);',
    '}',
    'if (v < 0) { return -t; }',
    'return t;',
  ],
  // Maclaurin series below |v| = 0.5; above, erfc by Numerical Recipes' Chebyshev fit
  // (fractional error < 1.2e-7), so erf = 1 - erfc never cancels badly.
  erf: [
    'const a = Math.abs(v);',
    'let r = 0;',
    'if (a < 0.5) {',
    '  const s = a * a;',
    '  r = 1.1283791671 * a * (1 - s * (0.3333333333 - s * (0.1 - s * (0.0238095238 - s * (0.0046296296 - s * (0.0007575758 - s * 0.0001068376))))));',
    '} else {',
    '  const t = 1 / (1 + 0.5 * a);',
    '  const p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));',
    '  r = 1 - t * Math.exp(p - a * a);',
    '}',
    'if (v < 0) { return -r; }',
    'return r;',
  ],
};

/** Body lines computing `return f(u, v)`. NaN tests (u !== u) may be optimised out on WebGPU. */
const BINARY_BODY: { readonly [Op in BinaryOp]: readonly string[] } = {
  add: ['return u + v;'],
  sub: ['return u - v;'],
  mul: ['return u * v;'],
  div: ['return u / v;'],
  maximum: ['if (u > v || u !== u) { return u; }', 'return v;'],
  greater: ['if (u > v) { return 1; }', 'return 0;'],
  greaterEqual: ['if (u >= v) { return 1; }', 'return 0;'],
  equal: ['if (u === v) { return 1; }', 'return 0;'],
  maskPositive: ['if (v > 0) { return u; }', 'return 0;'],
};

export const unarySpec = (op: UnaryOp, size: number): KernelSpec => ({
  key: `unary:${op}:${size}`,
  label: `${op} [${size}]`,
  size,
  source: () => kernel('x', ['const v = x[this.thread.x];', ...UNARY_BODY[op]]),
});

export const binarySpec = (op: BinaryOp, aShape: Shape, bShape: Shape, outShape: Shape): KernelSpec => {
  const walk = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const constants: Record<string, number> = {};
  const index = indexCode('i', 'this.thread.x', walk, ['ia', 'ib'], constants);
  return {
    key: `binary:${op}:${walk.dims.join('x')}:${walk.strides.map((s) => s.join(',')).join(':')}`,
    label: `${op} ${formatDims(aShape)}, ${formatDims(bShape)} -> ${formatDims(outShape)}`,
    size: sizeOf(outShape),
    constants,
    source: () => kernel('a, b', [...index, 'const u = a[ia];', 'const v = b[ib];', ...BINARY_BODY[op]]),
  };
};

/** Gathers `x` through per-output-axis strides (broadcast: zeros; transpose: permuted). */
const gatherSpec = (name: string, label: string, outShape: Shape, strides: readonly number[]): KernelSpec => {
  const walk = collapse(outShape, [strides]);
  const constants: Record<string, number> = {};
  const index = indexCode('i', 'this.thread.x', walk, ['ix'], constants);
  return {
    key: `${name}:${walk.dims.join('x')}:${walk.strides[0].join(',')}`,
    label,
    size: sizeOf(outShape),
    constants,
    source: () => kernel('x', [...index, 'return x[ix];']),
  };
};

export const broadcastSpec = (shape: Shape, outShape: Shape): KernelSpec =>
  gatherSpec('broadcastTo', `broadcastTo ${formatDims(shape)} -> ${formatDims(outShape)}`, outShape, broadcastStrides(shape, outShape));

export const transposeSpec = (shape: Shape, perm: readonly number[]): KernelSpec => {
  const strides = stridesOf(shape);
  return gatherSpec(
    'transpose',
    `transpose ${formatDims(shape)} by [${perm.join(', ')}]`,
    perm.map((p) => shape[p]),
    perm.map((p) => strides[p]),
  );
};
