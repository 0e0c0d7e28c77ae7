/**
 * GFLOP/s of one backend's matmul on the lecture's shapes, through the Backend interface (so the
 * copy in and out of the kernel is included, as in training): on dense random data, and where the
 * product takes the input batch, on a real MNIST batch too, where the cpu backend's zero skipping
 * visits only the k steps with a non-zero pixel. That column counts the dense product's flops
 * (2·m·k·n) over the time taken: an effective rate, comparable with the dense one.
 */
import { median } from './lecture.js';
import type { Backend, MatmulSpec } from '../src/core/index.js';

interface Case {
  readonly label: string;
  readonly aShape: readonly [number, number];
  readonly bShape: readonly [number, number];
  readonly spec: MatmulSpec;
  /** Which operand is the 256×784 input batch in training, if any. */
  readonly pixels?: 'a' | 'b';
}

export const lectureShapes: readonly Case[] = [
  { label: 'forward X·W1ᵀ 256×784·(256×784)ᵀ', aShape: [256, 784], bShape: [256, 784], spec: { m: 256, k: 784, n: 256, transA: false, transB: true }, pixels: 'a' },
  { label: 'dW1 = dZᵀ·X (256×256)ᵀ·256×784', aShape: [256, 256], bShape: [256, 784], spec: { m: 256, k: 256, n: 784, transA: true, transB: false }, pixels: 'b' },
  { label: 'dH = dY·W2 256×10·10×256', aShape: [256, 10], bShape: [10, 256], spec: { m: 256, k: 10, n: 256, transA: false, transB: false } },
  { label: 'forward H·W2ᵀ 256×256·(10×256)ᵀ', aShape: [256, 256], bShape: [10, 256], spec: { m: 256, k: 256, n: 10, transA: false, transB: true } },
  { label: '1024³', aShape: [1024, 1024], bShape: [1024, 1024], spec: { m: 1024, k: 1024, n: 1024, transA: false, transB: false } },
];

const fill = (n: number, seed: number): Float32Array => {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
};

/**
 * GFLOP/s (2·m·k·n over the median time) of one product, within a time budget. Calls alternate
 * between two uploads of each operand: the cpu backend keeps an operand in its kernel's memory
 * when the next product takes the very same array (resident operands), and a training step's
 * products take fresh ones, so every timed call here copies its operands in, as in training.
 */
const rate = (backend: Backend, c: Case, aData: Float32Array, bData: Float32Array, budgetMs: number): string => {
  const as = [backend.upload(aData, c.aShape), backend.upload(aData, c.aShape)];
  const bs = [backend.upload(bData, c.bShape), backend.upload(bData, c.bShape)];
  const flop = 2 * c.spec.m * c.spec.n * c.spec.k;
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budgetMs && times.length < 200)) {
    const t0 = performance.now();
    backend.matmul(as[times.length % 2], bs[times.length % 2], c.spec);
    times.push(performance.now() - t0);
  }
  return (flop / (median(times.slice(2)) * 1e6)).toFixed(1);
};

/** `pixels`: a 256×784 batch of MNIST inputs (scaled to [0, 1]) for the products that take it. */
export const matmulTable = (backend: Backend, pixels?: Float32Array, budgetMs = 400): string => {
  const rows = ['| shape | GFLOP/s, dense random data | GFLOP/s, MNIST batch (effective) |', '|---|---:|---:|'];
  for (const c of lectureShapes) {
    const [a, b] = [fill(c.aShape[0] * c.aShape[1], 1), fill(c.bShape[0] * c.bShape[1], 2)];
    const onPixels = pixels === undefined || c.pixels === undefined ? ''
      : rate(backend, c, c.pixels === 'a' ? pixels : a, c.pixels === 'b' ? pixels : b, budgetMs);
    rows.push(`| ${c.label} | ${rate(backend, c, a, b, budgetMs)} | ${onPixels} |`);
  }
  return rows.join('\n');
};
