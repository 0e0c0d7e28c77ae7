/**
 * cpuBackend's `threads` option: validated, reported in `description`, honoured or refused, and
 * invisible in the numbers: the lecture's MLP gives bitwise the same loss and gradients on 1, 2
 * and 3 threads.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { cpuBackend, type CpuBackend } from '../../../src/core/backend/cpu.js';
import { BackendError, InvalidArgumentError, linear, sum, tensor, toArray, valueAndGrad, type Tensor } from '../../../src/core/index.js';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';
import { createWasmMatmul } from '../../../src/core/backend/wasm/matmul.js';
import { seededFloats } from './reference.js';

const spawner = nodeThreadSpawner();
const canThread = spawner !== undefined && createWasmMatmul() !== undefined && typeof SharedArrayBuffer !== 'undefined';
if (!canThread) console.warn('cpu threads: no worker_threads, SIMD or shared memory here; threaded cases are skipped');

describe('cpuBackend threads option', () => {
  const opened: CpuBackend[] = [];
  const open = (options: Parameters<typeof cpuBackend>[0]): CpuBackend => {
    const backend = cpuBackend(options);
    opened.push(backend);
    return backend;
  };
  afterAll(() => Promise.all(opened.map((backend) => backend.close())));

  it('rejects a thread count that is not a positive integer', () => {
    for (const threads of [0, -1, 1.5, Number.NaN]) expect(() => cpuBackend({ threads })).toThrow(InvalidArgumentError);
    expect(() => cpuBackend({ threads: 0 })).toThrow(/cpuBackend: expected threads to be a positive integer, got 0/);
  });

  it('refuses threads with the portable JS kernels, and runs them on one thread by default', () => {
    expect(() => cpuBackend({ kernels: 'js', threads: 2 })).toThrow(BackendError);
    expect(open({ kernels: 'js' }).description).toBe('cpu (float32, js kernels, 1 thread)');
  });

  it('reports the thread count in its description', () => {
    expect(open({ threads: 1 }).description).toMatch(/^cpu \(float32, wasm-simd [a-z-]+ kernels, 1 thread\)$/);
    if (!canThread) return;
    expect(open({ threads: 2 }).description).toMatch(/^cpu \(float32, wasm-simd [a-z-]+ kernels, 2 threads\)$/);
    const expected = Math.min(4, spawner?.cores ?? 1);
    expect(open({}).description).toContain(`, ${expected} thread${expected === 1 ? '' : 's'})`);
  });

  it.skipIf(!canThread)('gives bitwise the same MLP loss and gradients on 1, 2 and 3 threads', async () => {
    const x = seededFloats(256 * 784, 1);
    const init = { w1: seededFloats(256 * 784, 2), b1: seededFloats(256, 3), w2: seededFloats(10 * 256, 4), b2: seededFloats(10, 5) };
    const run = async (threads: number): Promise<Float32Array[]> => {
      const backend = open({ threads });
      const input = tensor(backend, x, [256, 784]);
      const params = {
        w1: tensor(backend, init.w1, [256, 784]), b1: tensor(backend, init.b1, [256]),
        w2: tensor(backend, init.w2, [10, 256]), b2: tensor(backend, init.b2, [10]),
      };
      // x·W1ᵀ and dW1 = dHᵀ·x are the large, shared products; the rest stays on the caller.
      const loss = (p: typeof params, batch: Tensor): Tensor =>
        sum(linear(linear(batch, p.w1, p.b1, { activation: 'relu' }), p.w2, p.b2));
      const [value, grads] = valueAndGrad(loss)(params, input);
      const arrays = [value, grads.w1, grads.b1, grads.w2, grads.b2].map((t) => toArray(t));
      return (await Promise.all(arrays)).map((a) => Float32Array.from(a));
    };
    const [one, two, three] = [await run(1), await run(2), await run(3)];
    const bits = (arrays: Float32Array[]): number[][] => arrays.map((a) => Array.from(new Uint32Array(a.buffer)));
    expect(bits(two)).toEqual(bits(one));
    expect(bits(three)).toEqual(bits(one));
  });

  it.skipIf(!canThread)('keeps working on the calling thread after close', async () => {
    const backend = open({ threads: 2 });
    const a = tensor(backend, seededFloats(300 * 200, 7), [300, 200]);
    const before = await toArray(linear(a, a));
    await backend.close();
    expect(Array.from(await toArray(linear(a, a)))).toEqual(Array.from(before));
  });
});
