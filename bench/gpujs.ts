/**
 * The gpujs backend per gpu.js mode: GFLOP/s of matmul on the MLP's shapes, and milliseconds per
 * training step of the lecture's MLP (784 -> 256 ReLU -> 10, batch 256, SGD), with purenet's cpu
 * backend as the yardstick. Medians of N timed runs after a warm-up (which compiles the kernels).
 *  - resident: inputs already on the device, R calls queued back to back, one readback at the end
 *    (the training-step pattern); end-to-end: upload A and B, matmul, download C, every call.
 *  - a step: upload the batch, valueAndGrad of the loss, SGD update, read the loss back.
 *    s/epoch is estimated from the step time (60,000 / 256 steps), not run in full.
 * A mode that cannot start prints its reason. headlessgl needs an X display: run under xvfb-run.
 *
 *   npx tsc -p tsconfig.build.json && xvfb-run -a node dist/bench/gpujs.js [--modes cpu,webasm,webgpu,headlessgl] [--runs 5] [--steps 5]
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { valueAndGrad } from '../src/core/autodiff/grad.js';
import type { Backend, MatmulSpec } from '../src/core/backend/backend.js';
import { cpuBackend } from '../src/core/backend/cpu.js';
import { gpujsBackend, type GpujsMode } from '../src/core/backend/gpujs/gpujs-backend.js';
import { mean } from '../src/core/ops.js';
import { linear } from '../src/core/primitives/linear.js';
import { mul } from '../src/core/primitives/mul.js';
import { softmaxCrossEntropy } from '../src/core/primitives/softmax-cross-entropy.js';
import { sub } from '../src/core/primitives/sub.js';
import { key, normalValues, split, uniformValues } from '../src/core/random.js';
import { item, tensor, type Tensor } from '../src/core/tensor.js';
import { treeZip } from '../src/core/tree.js';

export interface GpujsBenchOptions {
  readonly modes: readonly GpujsMode[];
  /** Timed runs per matmul measurement (after two warm-up calls). */
  readonly runs: number;
  /** Timed training steps (after two warm-up steps). */
  readonly steps: number;
}

const queued = 5;

const line = (s = ''): void => void process.stdout.write(`${s}\n`);

interface Shape {
  readonly label: string;
  readonly spec: MatmulSpec;
}

const SHAPES: readonly Shape[] = [
  { label: 'X·W1ᵀ 256×784·784×256', spec: { m: 256, k: 784, n: 256, transA: false, transB: true } },
  { label: 'dW form Xᵀ·dY 784×256·256×256', spec: { m: 784, k: 256, n: 256, transA: true, transB: false } },
  { label: 'H·W2ᵀ 256×256·256×10', spec: { m: 256, k: 256, n: 10, transA: false, transB: true } },
];

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const host = (seed: number, n: number): Float32Array => Float32Array.from(uniformValues(key(seed), n), (u) => u - 0.5);

/** Median milliseconds of `f` over `count` timed calls after two warm-up calls. */
const time = async (f: () => Promise<unknown>, count: number): Promise<number> => {
  await f();
  await f();
  const ms: number[] = [];
  for (let r = 0; r < count; r++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
};

const matmulRates = async (backend: Backend, { spec }: Shape, runs: number): Promise<readonly [number, number]> => {
  const { m, k, n, transA, transB } = spec;
  const aShape = transA ? [k, m] : [m, k];
  const bShape = transB ? [n, k] : [k, n];
  const [aHost, bHost] = [host(1, m * k), host(2, k * n)];
  const a = backend.upload(aHost, aShape);
  const b = backend.upload(bHost, bShape);
  const gflop = (2 * m * k * n) / 1e9;
  const resident = await time(async () => {
    let c = backend.matmul(a, b, spec);
    for (let r = 1; r < queued; r++) c = backend.matmul(a, b, spec);
    await backend.download(c, [m, n]);
  }, runs);
  const endToEnd = await time(() => backend.download(backend.matmul(backend.upload(aHost, aShape), backend.upload(bHost, bShape), spec), [m, n]), runs);
  return [(gflop * queued) / (resident / 1e3), gflop / (endToEnd / 1e3)];
};

type Params = { readonly [layer: string]: { readonly weight: Tensor; readonly bias: Tensor } };

/** Median ms of one SGD step of the lecture's MLP at batch 256 on `backend`. */
const stepTime = async (backend: Backend, steps: number): Promise<number> => {
  const [k1, k2, kx, ky] = split(key(7), 4);
  const normal = (k: ReturnType<typeof key>, n: number, std: number) => Float32Array.from(normalValues(k, n), (v) => v * std);
  let params: Params = {
    lin_1: { weight: tensor(backend, normal(k1, 256 * 784, 0.0505), [256, 784]), bias: tensor(backend, new Float32Array(256), [256]) },
    lin_2: { weight: tensor(backend, normal(k2, 10 * 256, 0.0884), [10, 256]), bias: tensor(backend, new Float32Array(10), [10]) },
  };
  const x = Float32Array.from(uniformValues(kx, 256 * 784));
  const targets = { labels: Int32Array.from(uniformValues(ky, 256), (u) => Math.floor(u * 10)), classWeights: undefined, labelSmoothing: 0, ignoreIndex: -100 };
  const loss = valueAndGrad((p: Params, batch: Tensor) =>
    mean(softmaxCrossEntropy(linear(linear(batch, p.lin_1.weight, p.lin_1.bias, { activation: 'relu' }), p.lin_2.weight, p.lin_2.bias), targets)),
  );
  return time(async () => {
    const [value, grads] = loss(params, tensor(backend, x, [256, 784]));
    params = treeZip([params, grads], ([w, g]) => sub(w, mul(g, 0.01))) as Params;
    return item(value);
  }, steps);
};

/** Prints both tables (markdown) for the cpu backend and every gpu.js mode in `options.modes`. */
export const runGpujsBench = async ({ modes, runs, steps }: GpujsBenchOptions): Promise<void> => {
  line(`# gpujs backend: matmul GFLOP/s and MLP training steps (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node})`);
  line();
  const backends: { readonly name: string; readonly backend: Backend }[] = [{ name: 'purenet cpu backend', backend: cpuBackend() }];
  for (const mode of modes) {
    try {
      const backend = await gpujsBackend({ mode });
      backends.push({ name: `gpujs ${mode}`, backend });
      line(`- ${backend.description}`);
    } catch (error) {
      line(`- gpujs ${mode}: skipped: ${(error as Error).message}`);
    }
  }
  line();
  line(`## matmul, GFLOP/s (median of ${runs}; resident = ${queued} calls queued on device-resident inputs, one readback)`);
  line();
  line(`| backend | ${SHAPES.map((s) => `${s.label} resident | end-to-end`).join(' | ')} |`);
  line(`|---|${SHAPES.map(() => '---:|---:').join('|')}|`);
  // Shape by shape, all backends back to back, so that machine noise hits them alike.
  const cells = backends.map((): string[] => []);
  for (const shape of SHAPES) {
    for (const [i, { backend }] of backends.entries()) {
      const [resident, endToEnd] = await matmulRates(backend, shape, runs);
      cells[i].push(resident.toFixed(2), endToEnd.toFixed(2));
    }
  }
  backends.forEach(({ name }, i) => line(`| ${name} | ${cells[i].join(' | ')} |`));
  line();
  line(`## MLP 784-256-10 training step, batch 256 (upload batch, valueAndGrad, SGD update, read loss; median of ${steps})`);
  line();
  line('| backend | ms/step | s/epoch (estimated, 234.4 steps) |');
  line('|---|---:|---:|');
  for (const { name, backend } of backends) {
    const ms = await stepTime(backend, steps);
    line(`| ${name} | ${ms.toFixed(0)} | ${((ms * 60000) / 256 / 1000).toFixed(1)} |`);
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  await runGpujsBench({
    modes: flag('modes', 'cpu,webasm,webgpu,headlessgl').split(',') as GpujsMode[],
    runs: Number(flag('runs', '5')),
    steps: Number(flag('steps', '5')),
  });
}
