import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import {
  encodeIdx,
  loadMnist,
  mnistFileNames,
  mnistFromIdx,
  type IdxArray,
  type IdxError,
  type IdxErrorTag,
  type Mnist,
  type MnistIdx,
} from '../../../src/io/index.js';
import { withTempDir } from './idx-fixtures.js';

const ubyte = (shape: readonly number[], values: readonly number[]): IdxArray => ({ dtype: 'uint8', shape, data: new Uint8Array(values) });
const pixels = (n: number, offset: number): number[] => Array.from({ length: n }, (_, i) => (i * 37 + offset) % 256);

/** 5 train and 3 test images of 2×3 pixels. */
const tiny: MnistIdx = {
  trainImages: ubyte([5, 2, 3], pixels(30, 0)),
  trainLabels: ubyte([5], [3, 1, 4, 1, 5]),
  testImages: ubyte([3, 2, 3], pixels(18, 255)),
  testLabels: ubyte([3], [9, 2, 6]),
};

const ok = (r: E.Either<IdxError, Mnist>): Mnist => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`);
  return r.right;
};
const fails = (r: E.Either<IdxError, Mnist>, tag: IdxErrorTag): IdxError => {
  if (E.isRight(r)) throw new Error(`expected Left ${tag}, got Right`);
  expect(r.left._tag).toBe(tag);
  return r.left;
};

describe('mnistFromIdx', () => {
  it('flattens H×W, scales pixels by 1/255 and keeps labels as int32', () => {
    const m = ok(mnistFromIdx(tiny));
    expect(m.imageShape).toEqual([2, 3]);
    expect(m.features).toBe(6);
    expect(m.numClasses).toBe(10);
    expect(m.train.size).toBe(5);
    expect(m.train.images).toBeInstanceOf(Float32Array);
    expect(Array.from(m.train.images)).toEqual(pixels(30, 0).map((v) => Math.fround(v / 255)));
    expect(Array.from(m.test.images)).toEqual(pixels(18, 255).map((v) => Math.fround(v / 255)));
    expect(m.train.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(m.train.labels)).toEqual([3, 1, 4, 1, 5]);
    expect(Array.from(m.test.labels)).toEqual([9, 2, 6]);
    expect(m.files.testImages).toBe('t10k-images-idx3-ubyte');
  });

  it('trainSize / testSize take the first N examples', () => {
    const m = ok(mnistFromIdx(tiny, { trainSize: 2, testSize: 3 }));
    expect(m.train.size).toBe(2);
    expect(m.train.images.length).toBe(12);
    expect(Array.from(m.train.images)).toEqual(pixels(12, 0).map((v) => Math.fround(v / 255)));
    expect(Array.from(m.train.labels)).toEqual([3, 1]);
    expect(m.test.size).toBe(3);
  });

  it('accepts any integer label dtype and honours numClasses', () => {
    const wide = { ...tiny, trainLabels: { dtype: 'int32', shape: [5], data: new Int32Array([0, 25, 3, 1, 2]) } } satisfies MnistIdx;
    fails(mnistFromIdx(wide), 'BadLabel');
    expect(Array.from(ok(mnistFromIdx(wide, { numClasses: 26 })).train.labels)).toEqual([0, 25, 3, 1, 2]);
  });

  it('UnsupportedType: images that are not uint8, labels that are not integers', () => {
    const floatImages = { ...tiny, trainImages: { dtype: 'float32', shape: [5, 2, 3], data: new Float32Array(30) } } satisfies MnistIdx;
    expect(fails(mnistFromIdx(floatImages), 'UnsupportedType').message).toBe(
      'mnistFromIdx: train images (train-images-idx3-ubyte): expected dtype uint8 (IDX type 0x08), got float32',
    );
    const floatLabels = { ...tiny, testLabels: { dtype: 'float64', shape: [3], data: new Float64Array(3) } } satisfies MnistIdx;
    expect(fails(mnistFromIdx(floatLabels), 'UnsupportedType').message).toContain('test labels (t10k-labels-idx1-ubyte): expected an integer dtype');
  });

  it('BadShape: images not rank 3 or empty, labels not rank 1, split image sizes differ', () => {
    expect(fails(mnistFromIdx({ ...tiny, trainImages: ubyte([5, 6], pixels(30, 0)) }), 'BadShape').message).toBe(
      'mnistFromIdx: train images (train-images-idx3-ubyte): expected shape [N, height, width] with every dimension ≥ 1, got [5, 6]',
    );
    fails(mnistFromIdx({ ...tiny, trainImages: ubyte([5, 0, 3], []) }), 'BadShape');
    fails(mnistFromIdx({ ...tiny, trainImages: ubyte([0, 2, 3], []), trainLabels: ubyte([0], []) }), 'BadShape');
    expect(fails(mnistFromIdx({ ...tiny, testLabels: ubyte([3, 1], [1, 2, 3]) }), 'BadShape').message).toContain('expected shape [N] (rank 1), got [3, 1]');
    const e = fails(mnistFromIdx({ ...tiny, testImages: ubyte([3, 3, 2], pixels(18, 0)) }), 'BadShape');
    expect(e.message).toBe('mnistFromIdx: test images (t10k-images-idx3-ubyte) are 3×2 but train images (train-images-idx3-ubyte) are 2×3; expected one image size');
  });

  it('CountMismatch: labels and images disagree', () => {
    const e = fails(mnistFromIdx({ ...tiny, trainLabels: ubyte([4], [1, 2, 3, 4]) }), 'CountMismatch');
    expect(e.message).toBe('mnistFromIdx: train labels (train-labels-idx1-ubyte): expected 5 labels, one per image in train-images-idx3-ubyte, got 4');
    expect(e.path).toBe('train-labels-idx1-ubyte');
  });

  it('BadLabel: names the value and its index, including negatives', () => {
    expect(fails(mnistFromIdx({ ...tiny, testLabels: ubyte([3], [9, 10, 6]) }), 'BadLabel').message).toBe(
      'mnistFromIdx: test labels (t10k-labels-idx1-ubyte): expected class indices in 0..9, got 10 at index 1',
    );
    const negative = { ...tiny, trainLabels: { dtype: 'int8', shape: [5], data: new Int8Array([0, 1, 2, 3, -1]) } } satisfies MnistIdx;
    expect(fails(mnistFromIdx(negative), 'BadLabel').message).toContain('got -1 at index 4');
  });

  it('BadOption: sizes outside 1..available, non-integers, numClasses < 1', () => {
    expect(fails(mnistFromIdx(tiny, { trainSize: 6 }), 'BadOption').message).toBe('mnistFromIdx: expected trainSize in 1..5 (the examples available), got 6');
    expect(fails(mnistFromIdx(tiny, { testSize: 4 }), 'BadOption').message).toContain('expected testSize in 1..3');
    expect(fails(mnistFromIdx(tiny, { trainSize: 0 }), 'BadOption').message).toBe('mnistFromIdx: expected trainSize to be a positive integer, got 0');
    fails(mnistFromIdx(tiny, { testSize: 1.5 }), 'BadOption');
    fails(mnistFromIdx(tiny, { trainSize: Number.NaN }), 'BadOption');
    fails(mnistFromIdx(tiny, { numClasses: 0 }), 'BadOption');
  });

  it('uses the given source names in messages', () => {
    const sources = { trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'https://x/d' };
    const e = fails(mnistFromIdx({ ...tiny, testLabels: ubyte([3], [1, 2, 99]) }, { sources }), 'BadLabel');
    expect(e.message).toContain('test labels (https://x/d)');
    expect(ok(mnistFromIdx(tiny, { sources })).files).toEqual(sources);
  });
});

describe('mnistFileNames', () => {
  it('accepts LeCun names, the dotted spelling and .gz, uncompressed first', () => {
    expect(mnistFileNames('testImages')).toEqual(['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte', 't10k-images-idx3-ubyte.gz', 't10k-images.idx3-ubyte.gz']);
    expect(mnistFileNames('trainLabels')[0]).toBe('train-labels-idx1-ubyte');
  });
});

/** Writes `tiny` to `dir` under the given names, gzipping those ending in .gz. */
const writeTiny = async (dir: string, names: { readonly [P in keyof MnistIdx]?: string }): Promise<void> => {
  for (const [part, name] of Object.entries(names) as [keyof MnistIdx, string | undefined][]) {
    if (name === undefined) continue;
    const bytes = encodeIdx(tiny[part]);
    await writeFile(join(dir, name), name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  }
};
const mixedNames = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images.idx3-ubyte',
  testLabels: 't10k-labels.idx1-ubyte.gz',
};

describe('loadMnist from a directory', () => {
  it('reads plain, gzip and dotted names and reports the files it used', () =>
    withTempDir(async (dir) => {
      await writeTiny(dir, mixedNames);
      const m = ok(await loadMnist({ dir, testSize: 2 }));
      expect(m.files).toEqual({
        trainImages: join(dir, mixedNames.trainImages),
        trainLabels: join(dir, mixedNames.trainLabels),
        testImages: join(dir, mixedNames.testImages),
        testLabels: join(dir, mixedNames.testLabels),
      });
      expect(m.train.size).toBe(5);
      expect(Array.from(m.train.labels)).toEqual([3, 1, 4, 1, 5]);
      expect(Array.from(m.test.labels)).toEqual([9, 2]);
      expect(m.test.images[0]).toBe(Math.fround(255 / 255));
    }));

  it('prefers the uncompressed file when both exist', () =>
    withTempDir(async (dir) => {
      await writeTiny(dir, { ...mixedNames, trainLabels: 'train-labels-idx1-ubyte' });
      await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), 'not even gzip');
      expect(ok(await loadMnist({ dir })).files.trainLabels).toBe(join(dir, 'train-labels-idx1-ubyte'));
    }));

  it('NotFound: a missing part lists the names it tried', () =>
    withTempDir(async (dir) => {
      await writeTiny(dir, { ...mixedNames, testLabels: undefined });
      const e = fails(await loadMnist({ dir }), 'NotFound');
      expect(e.message).toBe(`loadMnist(${dir}): no test labels file; tried t10k-labels-idx1-ubyte, t10k-labels.idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte.gz`);
    }));

  it('NotFound: a missing directory; Io: a file given as the directory', () =>
    withTempDir(async (dir) => {
      expect(fails(await loadMnist({ dir: join(dir, 'nope') }), 'NotFound').message).toBe(`loadMnist(${join(dir, 'nope')}): the directory does not exist`);
      await writeFile(join(dir, 'file'), 'x');
      expect(fails(await loadMnist({ dir: join(dir, 'file') }), 'Io').message).toContain('expected a directory');
    }));

  it('passes on the error of a damaged file, with its path', () =>
    withTempDir(async (dir) => {
      await writeTiny(dir, mixedNames);
      const bytes = encodeIdx(tiny.testImages);
      await writeFile(join(dir, mixedNames.testImages), bytes.subarray(0, bytes.length - 1));
      const e = fails(await loadMnist({ dir }), 'Truncated');
      expect(e.path).toBe(join(dir, mixedNames.testImages));
    }));

  it('checks the layout of what it read (labels out of range, counts)', () =>
    withTempDir(async (dir) => {
      await writeTiny(dir, mixedNames);
      await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(ubyte([5], [3, 1, 4, 1, 12])));
      const e = fails(await loadMnist({ dir }), 'BadLabel');
      expect(e.message).toContain(`loadMnist: train labels (${join(dir, 'train-labels-idx1-ubyte')})`);
      await mkdir(join(dir, 'short'));
      await writeTiny(join(dir, 'short'), { ...mixedNames, testLabels: undefined });
      await writeFile(join(dir, 'short', 't10k-labels-idx1-ubyte'), encodeIdx(ubyte([2], [1, 2])));
      fails(await loadMnist({ dir: join(dir, 'short') }), 'CountMismatch');
    }));

  it('rejects bad options before touching the file system', async () => {
    const e = fails(await loadMnist({ dir: '/nonexistent-purenet-dir', trainSize: -3 }), 'BadOption');
    expect(e.message).toBe('loadMnist: expected trainSize to be a positive integer, got -3');
  });
});
