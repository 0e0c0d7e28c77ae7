/**
 * The hot paths of the gpujs backend against the float64 reference, for every gpu.js mode that
 * starts here: matmul in its three forms (A·B, Aᵀ·B, A·Bᵀ, and Aᵀ·Bᵀ) with the dense layer's
 * epilogues, on random sizes and on the MLP's own shapes, and the fused softmax cross-entropy
 * with its backward.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Backend, CrossEntropyTargets, MatmulSpec } from '../../src/core/backend/backend.js';
import { both, errorLog, expectAgree, reference, RUNS, seedArb, values } from './cases.js';
import { startModes } from './harness.js';

// Kernel compilation (10-250 ms each on the software GPUs) dominates; a loaded machine must not time out.
vi.setConfig({ testTimeout: 60_000 });
const started = await startModes();
afterAll(() => started.stop());

type Epilogue = 'none' | 'bias' | 'bias+relu' | 'relu';
const EPILOGUES: readonly Epilogue[] = ['none', 'bias', 'bias+relu', 'relu'];

/** Runs one matmul on both backends from the same float32 inputs; returns the error. */
const compareMatmul = async (backend: Backend, spec: MatmulSpec, epilogue: Epilogue, seed: number, tolerance?: number): Promise<number> => {
  const { m, k, n, transA, transB } = spec;
  const aShape = transA ? [k, m] : [m, k];
  const bShape = transB ? [n, k] : [k, n];
  const a = both(backend, values(seed, m * k, -1, 1), aShape);
  const b = both(backend, values(seed + 1, k * n, -1, 1), bShape);
  const bias = both(backend, values(seed + 2, n, -1, 1), [n]);
  const relu = epilogue === 'relu' || epilogue === 'bias+relu';
  const withBias = epilogue === 'bias' || epilogue === 'bias+relu';
  const got = backend.matmul(a.x, b.x, spec, { ...(withBias ? { bias: bias.x } : {}), relu });
  const want = reference.matmul(a.r, b.r, spec, { ...(withBias ? { bias: bias.r } : {}), relu });
  return expectAgree(backend, got, want, [m, n], `matmul ${JSON.stringify(spec)} ${epilogue}`, tolerance);
};

/** The MLP 784 -> 256 -> 10 at batch 256: forward, and both backward forms of each layer. */
const MLP_SHAPES: readonly (readonly [string, MatmulSpec, Epilogue])[] = [
  ['x·W1ᵀ + b1, relu: 256×784 · (256×784)ᵀ', { m: 256, k: 784, n: 256, transA: false, transB: true }, 'bias+relu'],
  ['h·W2ᵀ + b2: 256×256 · (10×256)ᵀ', { m: 256, k: 256, n: 10, transA: false, transB: true }, 'bias'],
  ['dW2 = dzᵀ·h: (256×10)ᵀ · 256×256', { m: 10, k: 256, n: 256, transA: true, transB: false }, 'none'],
  ['dh = dz·W2: 256×10 · 10×256', { m: 256, k: 10, n: 256, transA: false, transB: false }, 'none'],
  ['dW1 = dyᵀ·x: (256×256)ᵀ · 256×784', { m: 256, k: 256, n: 784, transA: true, transB: false }, 'none'],
  ['256×256 · 256×10', { m: 256, k: 256, n: 10, transA: false, transB: false }, 'none'],
];

/** Random labels with ignored rows, optional class weights and smoothing. */
const targetsFor = (seed: number, n: number, c: number, variant: number): CrossEntropyTargets => {
  const u = values(seed, n, 0, 1);
  return {
    labels: Int32Array.from(u, (v, i) => (variant % 2 === 1 && i % 4 === 3 ? -100 : Math.min(c - 1, Math.floor(v * c)))),
    classWeights: variant >= 2 ? Float64Array.from(values(seed + 3, c, 0.2, 2)) : undefined,
    labelSmoothing: variant === 3 ? 0.1 : 0,
    ignoreIndex: -100,
  };
};

const compareCrossEntropy = async (backend: Backend, n: number, c: number, seed: number, variant: number, scale: number, log: ReturnType<typeof errorLog>) => {
  const z = both(backend, values(seed, n * c, -scale, scale), [n, c]);
  const targets = targetsFor(seed + 1, n, c, variant);
  const got = backend.crossEntropy(z.x, n, c, targets);
  const want = reference.crossEntropy(z.r, n, c, targets);
  const what = `crossEntropy [${n}, ${c}] variant ${variant} scale ${scale}`;
  log.note('ce loss', await expectAgree(backend, got.loss, want.loss, [n], `${what} loss`));
  log.note('ce softmax', await expectAgree(backend, got.softmax, want.softmax, [n, c], `${what} softmax`));
  const ctSize = variant % 2 === 0 ? n : 1;
  const ct = both(backend, values(seed + 5, ctSize, 0.1, 1), [ctSize]);
  const grad = backend.crossEntropyBackward(got.softmax, ct.x, n, c, targets);
  const gradWant = reference.crossEntropyBackward(want.softmax, ct.r, n, c, targets);
  log.note('ce backward', await expectAgree(backend, grad, gradWant, [n, c], `${what} backward (ct [${ctSize}])`));
};

describe.each(started.ran.map((backend) => [backend.description, backend] as const))('%s', (_, backend) => {
  const log = errorLog();
  afterAll(() => console.log(`[purenet gpujs] ${backend.mode} worst relative errors: ${log.summary()}`));

  it('matmul in every transpose form and epilogue agrees with the reference on odd sizes', async () => {
    const spec = fc.record({
      m: fc.integer({ min: 1, max: 40 }),
      k: fc.integer({ min: 1, max: 40 }),
      n: fc.integer({ min: 1, max: 40 }),
      transA: fc.boolean(),
      transB: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(spec, fc.constantFrom(...EPILOGUES), seedArb, async (s, epilogue, seed) => {
        log.note('matmul', await compareMatmul(backend, s, epilogue, seed));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('matmul covers each form with each epilogue at a size that fits no tile', async () => {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
      for (const epilogue of EPILOGUES) {
        log.note('matmul', await compareMatmul(backend, { m: 13, k: 37, n: 9, transA, transB }, epilogue, 11));
      }
    }
  });

  it.each(MLP_SHAPES)('matmul on the MLP shape %s', async (_name, spec, epilogue) => {
    log.note('matmul MLP', await compareMatmul(backend, spec, epilogue, spec.m + spec.k + spec.n, 1e-5));
  });

  it('matmul with k = 0 is the epilogue alone', async () => {
    const bias = both(backend, Float32Array.from([1, -2, 3]), [3]);
    const spec = { m: 2, k: 0, n: 3, transA: false, transB: false };
    const got = backend.matmul(backend.fill(0, [2, 0]), backend.fill(0, [0, 3]), spec, { bias: bias.x, relu: true });
    expect(Array.from(await backend.download(got, [2, 3]))).toEqual([1, 0, 3, 1, 0, 3]);
  });

  it('softmax cross-entropy and its backward agree with the reference (weights, smoothing, ignored rows)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 12 }), seedArb, fc.integer({ min: 0, max: 3 }), async (n, c, seed, variant) => {
        await compareCrossEntropy(backend, n, c, seed, variant, 3, log);
      }),
      { numRuns: RUNS },
    );
  });

  it('cross-entropy on the MLP batch [256, 10], and with logits of magnitude 1e4', async () => {
    await compareCrossEntropy(backend, 256, 10, 5, 0, 5, log);
    await compareCrossEntropy(backend, 256, 10, 6, 3, 5, log);
    await compareCrossEntropy(backend, 7, 5, 8, 1, 1e4, log);
  });
});
