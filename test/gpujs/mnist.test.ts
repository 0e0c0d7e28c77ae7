/**
 * The lecture's MNIST run, shortened, on a real GPU API (WebGPU over lavapipe, or headlessgl):
 * Adam's fused step, cross-entropy and the dense layers all run as gpu.js kernels with buffers
 * resident between steps and WebGPU's asynchronous readback, through the same `fit` as the cpu
 * backend. A mode that cannot start here is reported as skipped with its reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaults } from '../../examples/mnist/options.js';
import { runMnist } from '../../examples/mnist/run.js';
import { GPU_API_MODES, startModes } from './harness.js';

const started = await startModes(GPU_API_MODES);
afterAll(() => started.stop());
for (const { mode, reason } of started.skipped) console.warn(`[purenet gpujs] MNIST training on ${mode} skipped: ${reason}`);

describe('MNIST training on a real GPU API', () => {
  for (const backend of started.ran) {
    it(`learns on gpujs ${backend.mode}: 1,024 images, one epoch at batch 64, test accuracy > 0.7`, async () => {
      const lines: string[] = [];
      const report = await runMnist(
        { ...defaults, backend: 'gpujs', mode: backend.mode, epochs: 1, batchSize: 64, trainSize: 1024, testSize: 500 },
        (line) => lines.push(line),
      );
      expect(lines[0]).toMatch(new RegExp(`^backend: gpujs \\(${backend.mode}, float32`));
      expect(report.initialTestAccuracy).toBeLessThan(0.3);
      expect(report.epochs[0].testAccuracy).toBeGreaterThan(0.7);
      expect(Number.isFinite(report.epochs[0].loss)).toBe(true);
    }, 180_000);
  }
  it('ran on at least one GPU API where CI requires it', () => {
    if (process.env.PURENET_REQUIRE_GPU_API === '1') expect(started.ran.length).toBeGreaterThan(0);
    else if (started.ran.length === 0) console.warn('[purenet gpujs] no GPU API mode could start here (set PURENET_REQUIRE_GPU_API=1 to fail instead)');
  });
});
