/**
 * Laws of the safetensors reader under attack: random bytes, byte flips, truncations, appended
 * bytes, rewritten length prefixes and structurally edited headers (lying offsets, shapes, dtypes,
 * repeated or missing entries) never make it throw; every Left carries a known tag; a Right is
 * self-consistent, and for a file with purenet's checksum a Right is the original file exactly.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSafetensors, encodeSafetensors, safetensorsDTypes, type Safetensors, type SafetensorsError, type TensorToWrite } from '../../../src/io/index.js';
import { bits, fileFrom, headerText } from './safetensors-fixtures.js';

const tags = new Set(['Truncated', 'HeaderTooLarge', 'BadHeader', 'BadLayout', 'TrailingBytes', 'UnsupportedDType', 'Corrupted']);

const tensorArb: fc.Arbitrary<TensorToWrite> = fc
  .record({
    name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,3}(\.[a-z0-9_]{1,3}){0,2}$/),
    shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    wide: fc.boolean(),
  })
  .chain(({ name, shape, wide }) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = count * (wide ? 8 : 4);
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((raw) => ({ name, shape, data: wide ? new Float64Array(raw.slice().buffer) : new Float32Array(raw.slice().buffer) }));
  });

interface ValidFile {
  readonly tensors: readonly TensorToWrite[];
  readonly checksum: boolean;
  readonly bytes: Uint8Array;
}

const validFile: fc.Arbitrary<ValidFile> = fc
  .tuple(fc.uniqueArray(tensorArb, { selector: (t) => t.name, maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }), fc.boolean())
  .map(([tensors, metadata, checksum]) => ({ tensors, checksum, bytes: encodeSafetensors(tensors, { metadata, checksum }) }));

const sameContents = (decoded: Safetensors, tensors: readonly TensorToWrite[]): boolean =>
  decoded.tensors.length === tensors.length &&
  tensors.every((t) => {
    const found = decoded.tensors.find((d) => d.name === t.name);
    return found !== undefined && found.shape.join() === t.shape.join() && bits(found.data).join() === bits(t.data).join();
  });

/** Never throws; a Left has a known tag and names the API; a Right survives re-encoding unchanged. */
const checkClean = (bytes: Uint8Array, original?: ValidFile): E.Either<SafetensorsError, Safetensors> => {
  const result = decodeSafetensors(bytes);
  if (E.isLeft(result)) {
    expect(tags.has(result.left._tag)).toBe(true);
    expect(result.left.message.startsWith('decodeSafetensors: ')).toBe(true);
    return result;
  }
  const decoded = result.right;
  expect(decoded.tensors.reduce((n, t) => n + t.data.byteLength, 0)).toBeLessThanOrEqual(bytes.length);
  for (const t of decoded.tensors) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  const again = decodeSafetensors(encodeSafetensors(decoded.tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data })), { metadata: decoded.metadata }));
  expect(E.isRight(again) && sameContents(again.right, decoded.tensors)).toBe(true);
  if (original?.checksum === true) expect(sameContents(decoded, original.tensors)).toBe(true);
  return result;
};

/** Structural edits of a header: each keeps valid JSON but changes what it claims. */
type Edit = (header: Record<string, { dtype: unknown; shape: unknown[]; data_offsets: unknown[] }>, pick: number, delta: number) => void;
const names = (h: object): string[] => Object.keys(h).filter((k) => k !== '__metadata__');
const edits: readonly Edit[] = [
  (h, pick, delta) => { const n = names(h); if (n.length > 0) (h[n[pick % n.length]].data_offsets[pick % 2] as number) += delta; },
  (h, pick, delta) => { const n = names(h); if (n.length > 0) { const s = h[n[pick % n.length]].shape; if (s.length > 0) (s[pick % s.length] as number) += delta; else s.push(Math.abs(delta)); } },
  (h, pick) => { const n = names(h); if (n.length > 0) h[n[pick % n.length]].shape.push(2); },
  (h, pick) => { const n = names(h); if (n.length > 0) h[n[pick % n.length]].dtype = [...safetensorsDTypes, 'F128', 'f32'][pick % (safetensorsDTypes.length + 2)]; },
  (h, pick) => { const n = names(h); if (n.length > 0) delete h[n[pick % n.length]]; },
  (h, pick) => { const n = names(h); if (n.length > 0) { const [name] = [n[pick % n.length]]; h[`${name}x`] = h[name]; delete h[name]; } },
  (h, pick, delta) => { const n = names(h); if (n.length > 0) h[n[pick % n.length]].data_offsets = [delta, -delta]; },
  (h) => { h.__metadata__ = { ...(h.__metadata__ as object), 'purenet.crc32': '00000000' } as never; },
];

describe('decodeSafetensors under corruption (fast-check)', () => {
  it('decodes every valid file to exactly what was written', () => {
    fc.assert(fc.property(validFile, (file) => {
      const result = decodeSafetensors(file.bytes);
      expect(E.isRight(result) && sameContents(result.right, file.tensors)).toBe(true);
    }), { numRuns: 200 });
  });

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => void checkClean(bytes)), { numRuns: 500 });
  });

  it('flipped bytes: a clean Left, or (with a checksum) exactly the original', () => {
    fc.assert(
      fc.property(validFile, fc.nat(), fc.integer({ min: 1, max: 255 }), (file, at, mask) => {
        const bytes = file.bytes.slice();
        bytes[at % bytes.length] ^= mask;
        checkClean(bytes, file);
      }),
      { numRuns: 500 },
    );
  });

  it('a truncated file is always a Left, and so is one with bytes appended', () => {
    fc.assert(
      fc.property(validFile, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }), (file, cut, extra) => {
        expect(E.isLeft(checkClean(file.bytes.subarray(0, cut % file.bytes.length)))).toBe(true);
        const longer = new Uint8Array(file.bytes.length + extra.length);
        longer.set(file.bytes);
        longer.set(extra, file.bytes.length);
        expect(E.isLeft(checkClean(longer))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a rewritten length prefix is a clean Left (or the same length)', () => {
    fc.assert(
      fc.property(validFile, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (file, length) => {
        const bytes = file.bytes.slice();
        new DataView(bytes.buffer).setBigUint64(0, length, true);
        const result = checkClean(bytes, file);
        if (E.isRight(result)) expect(length).toBe(new DataView(file.bytes.buffer).getBigUint64(0, true));
      }),
      { numRuns: 300 },
    );
  });

  it('a header that lies (offsets, shapes, dtypes, names, entries) is a clean Left, or consistent', () => {
    fc.assert(
      fc.property(validFile, fc.constantFrom(...edits), fc.nat(), fc.integer({ min: -9, max: 9 }).filter((d) => d !== 0), (file, edit, pick, delta) => {
        const header = JSON.parse(headerText(file.bytes)) as Parameters<Edit>[0];
        edit(header, pick, delta);
        const dataStart = 8 + new DataView(file.bytes.buffer).getUint32(0, true);
        checkClean(fileFrom(JSON.stringify(header), file.bytes.subarray(dataStart)), file);
      }),
      { numRuns: 500 },
    );
  });

  it('a repeated key inserted as text is always a BadHeader', () => {
    fc.assert(
      fc.property(validFile.filter((f) => f.tensors.length > 0), fc.nat(), (file, pick) => {
        const text = headerText(file.bytes).trimEnd();
        const name = file.tensors[pick % file.tensors.length].name;
        const entry = JSON.stringify(JSON.parse(text)[name]);
        const result = decodeSafetensors(fileFrom(`${text.slice(0, -1)},${JSON.stringify(name)}:${entry}}`, file.bytes.subarray(8 + new DataView(file.bytes.buffer).getUint32(0, true))));
        expect(E.isLeft(result) && result.left._tag).toBe('BadHeader');
      }),
      { numRuns: 100 },
    );
  });
});
