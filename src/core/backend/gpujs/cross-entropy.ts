/**
 * Softmax cross-entropy from logits z [n, c] as gpu.js kernels. The soft targets a[n, c] (class
 * weights, label smoothing, ignored rows) come from host-side labels, so they are built on the
 * host and uploaded once per targets object. On the device: row statistics (max m and
 * s = sum exp(z - m)), the softmax exp(z - m) / s, the loss sum_c a (m - z + log s) (written so
 * that logits of magnitude 1e4 lose no digits to lse - z), and the backward
 * ct[n] (softmax * sum_c a - a).
 */
import type { CrossEntropyTargets } from '../backend.js';
import { targetRow } from '../cross-entropy-targets.js';
import type { KernelSpec } from './device.js';

export interface HostTargets {
  /** a[n, c], row-major. */
  readonly weights: Float32Array;
  /** sum_c a[n, c] per row. */
  readonly totals: Float32Array;
}

/** Target weights as the reference defines them: a[c] = w_c ((1 - eps)[c = y] + eps / C). */
export const hostTargets = (t: CrossEntropyTargets, n: number, classes: number): HostTargets => {
  const weights = new Float32Array(n * classes);
  const totals = new Float32Array(n);
  const row = new Float64Array(classes);
  for (let r = 0; r < n; r++) {
    totals[r] = targetRow(t, t.labels[r], classes, row);
    weights.set(row, r * classes);
  }
  return { weights, totals };
};

const kernel = (args: string, body: readonly string[]): string => `function (${args}) {\n  ${body.join('\n  ')}\n}`;

/** stats[0, n) = row max, stats[n, 2n) = sum_c exp(z - max). */
export const statsSpec = (n: number, c: number): KernelSpec => {
  const text = kernel('z', [
    'let row = this.thread.x;',
    'let second = 0;',
    'if (row >= this.constants.n) {',
    '  row = row - this.constants.n;',
    '  second = 1;',
    '}',
    'const base = row * this.constants.c;',
    'let m = z[base];',
    'for (let q = 1; q < this.constants.c; q++) {',
    '  const v = z[base + q];',
    '  if (v > m) { m = v; }',
    '}',
    'if (second < 0.5) { return m; }',
    'let s = 0;',
    'for (let q = 0; q < this.constants.c; q++) {',
    '  s += Math.exp(z[base + q] - m);',
    '}',
    'return s;',
  ]);
  return { key: `ce-stats:${n}:${c}`, label: `crossEntropy row statistics [${n}, ${c}]`, size: 2 * n, constants: { n, c }, source: () => text };
};

export const softmaxSpec = (n: number, c: number): KernelSpec => {
  const text = kernel('z, stats', [
    'const row = Math.floor((this.thread.x + 0.5) / this.constants.c);',
    'return Math.exp(z[this.thread.x] - stats[row]) / stats[this.constants.n + row];',
  ]);
  return { key: `ce-softmax:${n}:${c}`, label: `crossEntropy softmax [${n}, ${c}]`, size: n * c, constants: { n, c }, source: () => text };
};

export const lossSpec = (n: number, c: number): KernelSpec => {
  const text = kernel('z, stats, w', [
    'const row = this.thread.x;',
    'const m = stats[row];',
    'const ls = Math.log(stats[this.constants.n + row]);',
    'let ix = row * this.constants.c;',
    'let l = 0;',
    'for (let q = 0; q < this.constants.c; q++) {',
    '  const a = w[ix];',
    // Classes with zero weight contribute nothing, even where z is -Infinity (0 * Infinity).
    '  if (a !== 0) { l += a * ((m - z[ix]) + ls); }',
    '  ix += 1;',
    '}',
    'return l;',
  ]);
  return { key: `ce-loss:${n}:${c}`, label: `crossEntropy loss [${n}, ${c}]`, size: n, constants: { n, c }, source: () => text };
};

/** d logits = ct[row] (softmax * total[row] - a); `ctSize` is n, or 1 for a broadcast scalar. */
export const backwardSpec = (n: number, c: number, ctSize: number): KernelSpec => {
  const text = kernel('softmax, ct, w, totals', [
    'const row = Math.floor((this.thread.x + 0.5) / this.constants.c);',
    ctSize === 1 ? 'const g = ct[0];' : 'const g = ct[row];',
    'return g * (softmax[this.thread.x] * totals[row] - w[this.thread.x]);',
  ]);
  return {
    key: `ce-backward:${n}:${c}:${ctSize === 1 ? 'scalar' : 'rows'}`,
    label: `crossEntropy backward [${n}, ${c}]`,
    size: n * c,
    constants: { c },
    source: () => text,
  };
};
