/**
 * A damaged training checkpoint never loads partially: after byte flips, truncations, appended
 * bytes, random bytes or edited header/metadata text, decode + restore is a Left with a known tag
 * (never a throw or a hang), or — when the damage was harmless, e.g. a flipped padding space that
 * is still JSON whitespace — a Right whose every tensor, scalar, key and position is the original.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { cpuBackend, key, split } from '../../../src/core/index.js';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint, type SafetensorsError } from '../../../src/io/index.js';
import { adam } from '../../../src/train/index.js';
import { fileFrom, headerText } from './safetensors-fixtures.js';
import { smallModel, stateBits, trainSmall } from './training-fixtures.js';

const tags = new Set(['Truncated', 'HeaderTooLarge', 'BadHeader', 'BadLayout', 'TrailingBytes', 'UnsupportedDType', 'Corrupted', 'BadMetadata', 'Mismatch']);

const backend = cpuBackend();
const optimizer = adam({ lr: 0.01 });
const [initKey, trainKey] = split(key(3), 2);
const params = smallModel().init(initKey, backend);
const template = { params, optState: optimizer.init(params), backend, config: D.struct({ lr: D.number }) };

/** One epoch in, so that moments and counts are not zeros. */
const original = (async () => {
  const trained = await trainSmall(backend, optimizer, { params, key: trainKey }, 1);
  const checkpoint = { params: trained.params, optState: trained.optState, step: trained.step, position: { epoch: 1, batch: 0 }, key: trainKey, config: { lr: 0.01 } };
  return { bytes: await encodeCheckpoint(checkpoint), params: await stateBits(trained.params), optState: await stateBits(trained.optState) };
})();

/** Left with a known tag naming the API, or (when `exact`, i.e. the file has its checksum) exactly the original checkpoint. */
const checkLoad = async (bytes: Uint8Array, exact = true): Promise<E.Either<SafetensorsError, unknown>> => {
  const expected = await original;
  const result = E.chain((contents: Parameters<typeof restoreCheckpoint>[0]) => restoreCheckpoint(contents, template))(decodeCheckpoint(bytes));
  if (E.isLeft(result)) {
    expect(tags.has(result.left._tag)).toBe(true);
    expect(result.left.message).toMatch(/^(decodeSafetensors|decodeCheckpoint|checkpointConfig|restoreCheckpoint): /);
    return result;
  }
  const restored = result.right;
  if (!exact) return result;
  expect(await stateBits(restored.params)).toEqual(expected.params);
  expect(await stateBits(restored.optState)).toEqual(expected.optState);
  expect([restored.step, restored.position, restored.key.words, restored.config]).toEqual([5, { epoch: 1, batch: 0 }, trainKey.words, { lr: 0.01 }]);
  return result;
};

describe('loading a damaged checkpoint (fast-check)', () => {
  it('loads the undamaged file', async () => {
    expect(E.isRight(await checkLoad((await original).bytes))).toBe(true);
  });

  it('byte flips anywhere: a clean Left or the original', async () => {
    const { bytes } = await original;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const damaged = bytes.slice();
        damaged[at] ^= mask;
        await checkLoad(damaged);
      }),
      { numRuns: 400 },
    );
  });

  it('flips in the header only (where most bytes are meaningful): a clean Left or the original', async () => {
    const { bytes } = await original;
    const headerEnd = 8 + new DataView(bytes.buffer).getUint32(0, true);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: headerEnd - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const damaged = bytes.slice();
        damaged[at] ^= mask;
        await checkLoad(damaged);
      }),
      { numRuns: 400 },
    );
  });

  it('truncations and appended bytes: always a clean Left', async () => {
    const { bytes } = await original;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 32 }), async (cut, extra) => {
        expect(E.isLeft(await checkLoad(bytes.subarray(0, cut)))).toBe(true);
        const longer = new Uint8Array(bytes.length + extra.length);
        longer.set(bytes);
        longer.set(extra, bytes.length);
        expect(E.isLeft(await checkLoad(longer))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('edited metadata values (valid JSON text, lying values): a clean Left, or the original while the checksum is kept', async () => {
    const { bytes } = await original;
    const header = JSON.parse(headerText(bytes)) as { __metadata__: Record<string, string> };
    const dataStart = 8 + new DataView(bytes.buffer).getUint32(0, true);
    const keys = Object.keys(header.__metadata__);
    const replacement = fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), replacement, fc.boolean(), fc.boolean(), async (name, value, drop, dropChecksum) => {
        const metadata = { ...header.__metadata__ };
        if (drop) delete metadata[name];
        else metadata[name] = value;
        // Without the checksum the codecs alone must refuse; whatever they let through is a complete checkpoint.
        if (dropChecksum) delete metadata['purenet.crc32'];
        await checkLoad(fileFrom(JSON.stringify({ ...header, __metadata__: metadata }), bytes.subarray(dataStart)), !dropChecksum || name === 'purenet.crc32');
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes: a clean Left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
        expect(E.isLeft(await checkLoad(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
