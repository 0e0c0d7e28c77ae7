/**
 * Matmul as a gpu.js kernel: C = op(A) · op(B) with the dense layer's epilogue (bias, ReLU)
 * fused into the store. One thread per output value walks k through A and B by strides, so the
 * three forms a training step needs (A·B forward, A·Bᵀ for x·Wᵀ and dX, Aᵀ·B for dW) are one
 * source with different constants: no transpose is ever materialised. Compiled once per
 * (m, k, n, transA, transB, epilogue).
 */
import type { MatmulSpec } from '../backend.js';
import type { KernelSpec } from './device.js';
import { formatDims } from './indexing.js';

/** Strides of op(A) along i and p, and of op(B) along p and j. */
const strides = ({ m, k, n, transA, transB }: MatmulSpec) => ({
  aRow: transA ? 1 : k,
  aStep: transA ? m : 1,
  bStep: transB ? 1 : n,
  bCol: transB ? k : 1,
});

const describe = ({ m, k, n, transA, transB }: MatmulSpec, bias: boolean, relu: boolean): string => {
  const a = `${formatDims(transA ? [k, m] : [m, k])}${transA ? 'ᵀ' : ''}`;
  const b = `${formatDims(transB ? [n, k] : [k, n])}${transB ? 'ᵀ' : ''}`;
  return `matmul ${a} · ${b}${bias ? ' + bias' : ''}${relu ? ', relu' : ''}`;
};

export const matmulSpec = (spec: MatmulSpec, bias: boolean, relu: boolean): KernelSpec => {
  const { m, k, n, transA, transB } = spec;
  const constants = { k, n, ...strides(spec) };
  const body = [
    'const i = Math.floor((this.thread.x + 0.5) / this.constants.n);',
    'const j = this.thread.x - i * this.constants.n;',
    'let ia = i * this.constants.aRow;',
    'let ib = j * this.constants.bCol;',
    'let sum = 0;',
    'for (let p = 0; p < this.constants.k; p++) {',
    '  sum += a[ia] * b[ib];',
    '  ia += this.constants.aStep;',
    '  ib += this.constants.bStep;',
    '}',
    ...(bias ? ['sum += bias[j];'] : []),
    // NaN maps to 0 like the reference's `!(v > 0)`.
    ...(relu ? ['if (sum > 0) { return sum; }', 'return 0;'] : ['return sum;']),
  ];
  const text = `function (a, b${bias ? ', bias' : ''}) {\n  ${body.join('\n  ')}\n}`;
  return {
    key: `matmul:${m}:${k}:${n}:${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}:${bias ? 'bias' : ''}:${relu ? 'relu' : ''}`,
    label: describe(spec, bias, relu),
    size: m * n,
    constants,
    source: () => text,
  };
};
