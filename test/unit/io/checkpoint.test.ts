/**
 * Training checkpoints: one safetensors file with params, optimizer state, step, key, position
 * and config; resuming from it is bit-identical to never having stopped (Adam, SGD with momentum,
 * AdamW; float32 and float64 backends); and every way it can fail to fit the model, the optimizer
 * or the metadata codec is one clear Left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { cpuBackend, key, referenceBackend, split, type Backend } from '../../../src/core/index.js';
import {
  checkpointConfig,
  decodeCheckpoint,
  decodeSafetensors,
  encodeCheckpoint,
  encodeParams,
  encodeSafetensors,
  exactPartial,
  formatSafetensorsError,
  loadCheckpoint,
  nonNegativeInteger,
  restoreCheckpoint,
  saveCheckpoint,
  type TrainingCheckpoint,
} from '../../../src/io/index.js';
import { adam, adamw, sgd, type GradientTransformation } from '../../../src/train/index.js';
import { expectLeft, right } from './safetensors-fixtures.js';
import { smallModel, stateBits, trainSmall, type SmallParams } from './training-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'purenet-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configDecoder = exactPartial({ lr: D.number, epochs: nonNegativeInteger });
const [initKey, trainKey] = split(key(5), 2);

const optimizers: ReadonlyArray<readonly [string, () => GradientTransformation<unknown>]> = [
  ['adam', () => adam({ lr: 0.01 })],
  ['sgd with Nesterov momentum', () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ['adamw', () => adamw({ lr: 0.01 })],
];
const backends: ReadonlyArray<readonly [string, () => Backend]> = [
  ['cpu (float32)', cpuBackend],
  ['reference (float64)', referenceBackend],
];

describe('resuming from a checkpoint', () => {
  describe.each(backends)('on %s', (_, makeBackend) => {
    it.each(optimizers)('%s: 1 epoch, checkpoint, 2 more = 3 epochs uninterrupted, bit for bit', async (_name, makeOptimizer) => {
      const backend = makeBackend();
      const optimizer = makeOptimizer();
      const params = smallModel().init(initKey, backend);
      const straight = await trainSmall(backend, optimizer, { params, key: trainKey }, 3);

      const first = await trainSmall(backend, optimizer, { params, key: trainKey }, 1);
      const bytes = await encodeCheckpoint({ params: first.params, optState: first.optState, step: first.step, position: { epoch: 1, batch: 0 }, key: trainKey, config: { lr: 0.01, epochs: 3 } });
      // Restore into fresh templates (different values, same structure) on a fresh backend.
      const backend2 = makeBackend();
      const template = smallModel().init(key(99), backend2);
      const restored = right(restoreCheckpoint(right(decodeCheckpoint(bytes)), { params: template, optState: optimizer.init(template), backend: backend2, config: configDecoder }));
      expect(restored.step).toBe(5);
      expect(restored.position).toEqual({ epoch: 1, batch: 0 });
      expect(restored.key.words).toEqual(trainKey.words);
      expect(restored.config).toEqual({ lr: 0.01, epochs: 3 });
      expect(await stateBits(restored.params)).toEqual(await stateBits(first.params));
      expect(await stateBits(restored.optState)).toEqual(await stateBits(first.optState));

      const resumed = await trainSmall(backend2, optimizer, { params: restored.params, optState: restored.optState, startEpoch: restored.position.epoch, key: restored.key }, 3);
      expect(resumed.step).toBe(straight.step);
      expect(await stateBits(resumed.params)).toEqual(await stateBits(straight.params));
      expect(await stateBits(resumed.optState)).toEqual(await stateBits(straight.optState));
      // The run did learn something, so equality is not equality of untouched initial values.
      expect(await stateBits(straight.params)).not.toEqual(await stateBits(params));
    });
  });

  it('through a file: saveCheckpoint then loadCheckpoint, resumed after 2 of 4 epochs', async () => {
    const backend = cpuBackend();
    const optimizer = adam({ lr: 0.01 });
    const params = smallModel().init(initKey, backend);
    const straight = await trainSmall(backend, optimizer, { params, key: trainKey }, 4);
    const half = await trainSmall(backend, optimizer, { params, key: trainKey }, 2);
    const path = join(dir, 'half.safetensors');
    right(await saveCheckpoint(path, { params: half.params, optState: half.optState, step: half.step, position: { epoch: 2, batch: 0 }, key: trainKey, config: { lr: 0.01, epochs: 4 } }));
    const loaded = right(await loadCheckpoint(path, { params, optState: optimizer.init(params), backend, config: configDecoder }));
    const resumed = await trainSmall(backend, optimizer, { params: loaded.params, optState: loaded.optState, startEpoch: loaded.position.epoch, key: loaded.key }, 4);
    expect(await stateBits(resumed.params)).toEqual(await stateBits(straight.params));
  });
});

describe('the checkpoint file', () => {
  const backend = cpuBackend();
  const optimizer = adam({ lr: 0.01 });
  const params = smallModel().init(initKey, backend);
  const checkpoint = (overrides: Partial<TrainingCheckpoint<SmallParams, unknown>> = {}): TrainingCheckpoint<SmallParams, unknown> => ({
    params,
    optState: optimizer.init(params),
    step: 0,
    position: { epoch: 0, batch: 0 },
    key: trainKey,
    config: { lr: 0.01, epochs: 3 },
    ...overrides,
  });
  const template = { params, optState: optimizer.init(params), backend, config: configDecoder };

  it('holds the params under their PyTorch names, Adam state under opt.*, and the scalars as metadata', async () => {
    const file = right(decodeSafetensors(await encodeCheckpoint(checkpoint({ step: 7, position: { epoch: 3, batch: 0 } }))));
    expect(file.tensors.map((t) => `${t.name} [${t.shape.join(', ')}]`)).toEqual([
      'lin_1.bias [8]', 'lin_1.weight [8, 6]', 'lin_2.bias [3]', 'lin_2.weight [3, 8]',
      'opt.1.mu.lin_1.bias [8]', 'opt.1.mu.lin_1.weight [8, 6]', 'opt.1.mu.lin_2.bias [3]', 'opt.1.mu.lin_2.weight [3, 8]',
      'opt.1.nu.lin_1.bias [8]', 'opt.1.nu.lin_1.weight [8, 6]', 'opt.1.nu.lin_2.bias [3]', 'opt.1.nu.lin_2.weight [3, 8]',
    ]);
    expect(file.metadata).toMatchObject({
      format: 'pt',
      'purenet.format': 'purenet.training-checkpoint/1',
      'purenet.step': '7',
      'purenet.position': '{"epoch":3,"batch":0}',
      'purenet.key': JSON.stringify(trainKey.words),
      'purenet.optimizer': '{"1.count":0,"2.count":0}',
      'purenet.config': '{"lr":0.01,"epochs":3}',
    });
  });

  it('refuses a params-only file, saying what it is', async () => {
    expectLeft(decodeCheckpoint(await encodeParams(params), { source: 'p.safetensors' }), 'BadMetadata', /not a purenet training checkpoint .*use loadParams/);
  });

  it('decodes its metadata with io-ts and renders a bad value as a tree', async () => {
    const file = right(decodeSafetensors(await encodeCheckpoint(checkpoint())));
    const tensors = file.tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data }));
    // Re-encoded with a fresh checksum, so that the metadata codec (not the CRC) is what refuses.
    const { 'purenet.crc32': _, ...stored } = file.metadata;
    const withMetadata = (metadata: Record<string, string>) => encodeSafetensors(tensors, { metadata: { ...stored, ...metadata }, checksum: true });
    expectLeft(decodeCheckpoint(withMetadata({ 'purenet.key': '[1,2,3]' })), 'BadMetadata', /required property "purenet\.key"\n└─ cannot decode \[1,2,3\], should be a key/);
    expectLeft(decodeCheckpoint(withMetadata({ 'purenet.step': '-1' })), 'BadMetadata', /"purenet\.step"\n└─ cannot decode -1, should be a non-negative integer/);
    expectLeft(decodeCheckpoint(withMetadata({ 'purenet.position': '{"epoch":1' })), 'BadMetadata', /"purenet\.position"\n└─ cannot decode .*, should be a string holding JSON/);
    expectLeft(decodeCheckpoint(withMetadata({ 'purenet.format': 'purenet.training-checkpoint/9' })), 'BadMetadata', /should be "purenet\.training-checkpoint\/1"/);
    // The config is decoded by the caller's decoder; an unknown key is named with the path.
    const badConfig = right(decodeCheckpoint(withMetadata({ 'purenet.config': '{"lr":0.01,"epoch":3}' })));
    const error = checkpointConfig(badConfig, configDecoder, { source: 'c.safetensors' });
    expectLeft(error, 'BadMetadata', /^checkpointConfig\(c\.safetensors\): the stored purenet\.config does not decode:\noptional property "epoch"\n└─ cannot decode 3, should be absent/);
    if (E.isLeft(error)) expect(formatSafetensorsError(error.left)).not.toMatch(/\n/);
  });

  it('refuses a model of another shape, listing every mismatch in one error (strict, like load_state_dict)', async () => {
    const bytes = await encodeCheckpoint(checkpoint());
    const wider = smallModel(16).init(initKey, backend);
    expectLeft(
      restoreCheckpoint(right(decodeCheckpoint(bytes)), { ...template, params: wider, optState: optimizer.init(wider) }, { source: 'c' }),
      'Mismatch',
      /^restoreCheckpoint\(c\): the checkpoint does not match the model and optimizer: shape mismatch \(file vs model\): lin_1\.bias \[8\] vs \[16\], lin_1\.weight \[8, 6\] vs \[16, 6\], lin_2\.weight \[3, 8\] vs \[3, 16\], opt\.1\.mu\.lin_1\.bias \[8\] vs \[16\] and 5 more$/,
    );
  });

  it('refuses the state of another optimizer: missing and unexpected entries named', async () => {
    const bytes = await encodeCheckpoint(checkpoint());
    const momentum = sgd({ lr: 0.1, momentum: 0.9 });
    expectLeft(
      restoreCheckpoint(right(decodeCheckpoint(bytes)), { ...template, optState: momentum.init(params) }),
      'Mismatch',
      /: missing 4: opt\.1\.trace\.lin_1\.bias, opt\.1\.trace\.lin_1\.weight, opt\.1\.trace\.lin_2\.bias, opt\.1\.trace\.lin_2\.weight; unexpected 8: opt\.1\.mu\.lin_1\.bias, .*, opt\.1\.nu\.lin_2\.weight$/,
    );
  });

  it('refuses a state leaf it cannot store (the caller’s bug: it throws)', async () => {
    await expect(encodeCheckpoint(checkpoint({ optState: { schedule: () => 1 } }))).rejects.toThrow(/encodeCheckpoint: expected the state at 'schedule' to be a tensor/);
    await expect(encodeCheckpoint(checkpoint({ optState: { count: NaN } }))).rejects.toThrow(/got NaN/);
  });
});
