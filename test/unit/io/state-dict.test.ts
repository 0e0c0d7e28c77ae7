/**
 * State dicts: the lecture's model saves under PyTorch's names and shapes, loads back bit for
 * bit, loads files other writers made (F64, F16), and refuses a file that does not fit the model
 * with one error naming every missing, unexpected and mis-shaped tensor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, key, referenceBackend, toArray, zeros } from '../../../src/core/index.js';
import { decodeSafetensors, encodeParams, encodeSafetensors, loadParams, loadStateDict, saveParams } from '../../../src/io/index.js';
import { dense, relu, sequential } from '../../../src/layers/index.js';
import { expectLeft, referenceFile, right } from './safetensors-fixtures.js';
import { stateBits } from './training-fixtures.js';

const lecture = (hidden = 256) => sequential({ lin_1: dense(784, hidden, { init: 'kaimingNormal' }), act: relu, lin_2: dense(hidden, 10, { init: 'kaimingNormal' }) });
const dir = mkdtempSync(join(tmpdir(), 'purenet-state-dict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state dicts', () => {
  const cpu = cpuBackend();
  const params = lecture().init(key(0), cpu);

  it("saves the lecture's model under PyTorch's names and shapes, F32, with format: pt", async () => {
    const file = right(decodeSafetensors(await encodeParams(params)));
    expect(file.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['lin_1.bias', 'F32', [256]],
      ['lin_1.weight', 'F32', [256, 784]],
      ['lin_2.bias', 'F32', [10]],
      ['lin_2.weight', 'F32', [10, 256]],
    ]);
    expect(file.metadata.format).toBe('pt');
  });

  it('loads back bit for bit, through a file (saveParams / loadParams)', async () => {
    const path = join(dir, 'params.safetensors');
    right(await saveParams(path, params));
    const loaded = right(await loadParams(path, lecture().init(key(1), cpu), cpu));
    expect(await stateBits(loaded)).toEqual(await stateBits(params));
  });

  it('converts precision to the backend: float32 file into float64 exactly, float64 file into float32 rounded', async () => {
    const reference = referenceBackend();
    const wide = right(loadStateDict(lecture().init(key(1), reference), right(decodeSafetensors(await encodeParams(params))), reference));
    expect(wide.lin_1.weight.dtype).toBe('float64');
    expect(Array.from(await toArray(wide.lin_1.weight))).toEqual(Array.from(await toArray(params.lin_1.weight)));
    const small = sequential({ lin: dense(2, 1) });
    const file = encodeSafetensors([{ name: 'lin.weight', shape: [1, 2], data: Float64Array.from([0.1, 1 / 3]) }, { name: 'lin.bias', shape: [1], data: Float64Array.from([2]) }]);
    const narrow = right(loadStateDict(small.init(key(0), cpu), right(decodeSafetensors(file)), cpu));
    expect(Array.from(await toArray(narrow.lin.weight))).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
  });

  it("loads another writer's file (F16, F32, F64 and a scalar from the reference implementation)", async () => {
    const like = { w: zeros(cpu, [2, 3]), b: zeros(cpu, [2]), d: zeros(cpu, [1]), s: zeros(cpu, []) };
    const loaded = right(loadStateDict(like, right(decodeSafetensors(referenceFile)), cpu));
    expect(Array.from(await toArray(loaded.w))).toEqual([1, -2.5, 3.25, 0.0999755859375, 65504, -0]);
    expect(Array.from(await toArray(loaded.d))).toEqual([Math.fround(Math.PI)]);
    expect(loaded.s.shape).toEqual([]);
    expectLeft(loadStateDict({ ...like, w: params.lin_1.weight }, right(decodeSafetensors(referenceFile)), cpu), 'Mismatch', /shape mismatch \(file vs model\): w \[2, 3\] vs \[256, 784\]$/);
  });

  it('refuses a file that does not fit, listing missing, unexpected and mis-shaped names in one error', async () => {
    const wrong = encodeSafetensors([
      { name: 'lin_1.weight', shape: [128, 784], data: new Float32Array(128 * 784) },
      { name: 'lin_1.bias', shape: [256], data: new Float32Array(256) },
      { name: 'fc.weight', shape: [1], data: new Float32Array(1) },
    ]);
    const path = join(dir, 'wrong.safetensors');
    writeFileSync(path, wrong);
    const result = await loadParams(path, params, cpu);
    expectLeft(
      result,
      'Mismatch',
      new RegExp(
        `^loadStateDict\\(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): the file does not match the model \\(strict, as PyTorch's load_state_dict\\): ` +
          'missing 2: lin_2.bias, lin_2.weight; unexpected 1: fc.weight; shape mismatch \\(file vs model\\): lin_1.weight \\[128, 784\\] vs \\[256, 784\\]$',
      ),
    );
  });

  it('reports a missing file as NotFound and a damaged one with its tag', async () => {
    expectLeft(await loadParams(join(dir, 'nope.safetensors'), params, cpu), 'NotFound', /no such file/);
    const path = join(dir, 'cut.safetensors');
    writeFileSync(path, (await encodeParams(params)).subarray(0, 1000));
    expectLeft(await loadParams(path, params, cpu), 'Truncated', /decodeSafetensors\(.*cut\.safetensors\)/);
  });
});
