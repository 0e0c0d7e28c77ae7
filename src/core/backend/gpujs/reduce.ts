/**
 * Sum and max over any set of axes as gpu.js kernels: one thread per output value walks the
 * reduced axes. A long reduction (more than SPLIT values per output, e.g. a loss summed over the
 * whole batch) runs in two passes of about sqrt(R) values each: more threads on a GPU, and a
 * float32 sum whose rounding grows like sqrt(R) rather than R.
 */
import type { ReduceOp } from '../backend.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { KernelSpec } from './device.js';
import { collapse, formatDims, indexCode, type Walk } from './indexing.js';

const SPLIT = 1024;

export interface ReducePlan {
  /** Kernels to run in order; each reads the previous one's output (the first reads x). */
  readonly passes: readonly KernelSpec[];
  /** Number of outputs; the reduced count R is 0 when `passes` is empty (fill with the identity). */
  readonly size: number;
  readonly identity: number;
}

const kernel = (body: readonly string[]): string => `function (x) {\n  ${body.join('\n  ')}\n}`;

/** Loop lines accumulating x over `count` reduced positions starting at reduced index `first`. */
const loopCode = (op: ReduceOp, reduced: Walk, count: number, total: number, guarded: boolean, constants: Record<string, number>): string[] => {
  constants.count = count;
  constants.total = total;
  const take = op === 'sum' ? 'acc += v;' : 'if (v > acc || v !== v) { acc = v; }';
  const guard = (line: string): string => (guarded ? `if (first + p < this.constants.total) { ${line} }` : line);
  if (reduced.dims.length <= 1) {
    const stride = reduced.strides[0][0] ?? 0;
    constants.stride = stride;
    return [
      'ix += first * this.constants.stride;',
      `let acc = ${op === 'sum' ? '0' : 'x[ix]'};`,
      'for (let p = 0; p < this.constants.count; p++) {',
      `  const v = x[ix];`,
      `  ${guard(take)}`,
      '  ix += this.constants.stride;',
      '}',
    ];
  }
  const inner = indexCode('j', 'first + p', reduced, ['iy'], constants, ['ix']);
  const start = indexCode('k', 'first', reduced, ['iz'], constants, ['ix']);
  return [
    ...start,
    `let acc = ${op === 'sum' ? '0' : 'x[iz]'};`,
    'for (let p = 0; p < this.constants.count; p++) {',
    ...inner.map((line) => `  ${line}`),
    '  const v = x[iy];',
    `  ${guard(take)}`,
    '}',
  ];
};

/** One pass: output t = o * chunks + c reduces positions [c * chunk, (c + 1) * chunk) of output o. */
const passSpec = (op: ReduceOp, kept: Walk, reduced: Walk, outSize: number, total: number, chunks: number, label: string): KernelSpec => {
  const chunk = Math.ceil(total / chunks);
  const constants: Record<string, number> = { chunks, chunk };
  const head =
    chunks === 1
      ? ['const o = this.thread.x;', 'const first = 0;']
      : [
          'const o = Math.floor((this.thread.x + 0.5) / this.constants.chunks);',
          'const first = (this.thread.x - o * this.constants.chunks) * this.constants.chunk;',
        ];
  const body = [...head, ...indexCode('i', 'o', kept, ['ix'], constants), ...loopCode(op, reduced, chunk, total, chunks * chunk !== total, constants)];
  body.push('return acc;');
  const text = kernel(body);
  return {
    key: `reduce:${op}:${outSize}:${chunks}:${kept.dims.join('x')}/${kept.strides[0].join(',')}:${reduced.dims.join('x')}/${reduced.strides[0].join(',')}`,
    label,
    size: outSize * chunks,
    constants,
    source: () => text,
  };
};

/** Reduces sorted, distinct `axes` of x [shape]; the output has those axes removed. */
export const reducePlan = (op: ReduceOp, shape: Shape, axes: readonly number[]): ReducePlan => {
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const size = sizeOf(keptAxes.map((i) => shape[i]));
  const total = sizeOf(axes.map((i) => shape[i]));
  const identity = op === 'sum' ? 0 : -Infinity;
  if (total === 0 || size === 0) return { passes: [], size, identity };
  const kept = collapse(keptAxes.map((i) => shape[i]), [keptAxes.map((i) => strides[i])]);
  const reduced = collapse(axes.map((i) => shape[i]), [axes.map((i) => strides[i])]);
  const label = `${op} ${formatDims(shape)} over axes [${axes.join(', ')}]`;
  if (total <= SPLIT) return { passes: [passSpec(op, kept, reduced, size, total, 1, label)], size, identity };
  const chunks = Math.ceil(total / Math.max(64, Math.ceil(Math.sqrt(total))));
  // Pass 2 reduces the partials [size, chunks] over their last axis.
  const rows: Walk = size === 1 ? { dims: [], strides: [[]] } : { dims: [size], strides: [[chunks]] };
  const columns: Walk = { dims: [chunks], strides: [[1]] };
  return {
    passes: [
      passSpec(op, kept, reduced, size, total, chunks, `${label} (pass 1 of 2)`),
      passSpec(op, rows, columns, size, chunks, 1, `${label} (pass 2 of 2)`),
    ],
    size,
    identity,
  };
};
