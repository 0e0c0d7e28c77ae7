/**
 * File-boundary I/O: the IDX format (pure `parseIdx` / `encodeIdx`), reading IDX files in Node
 * (plain or gzip), and MNIST as typed arrays. Every failure is an `IdxError` value.
 */
export { type IdxError, type IdxErrorTag, idxError, formatIdxError } from './idx-error.js';
export { type IdxArray, type IdxArrayOf, type IdxDataOf, type IdxDType, type ParseIdxOptions, parseIdx, encodeIdx } from './idx.js';
export { readIdxFile, isGzip } from './idx-file.js';
export { type MnistFiles, type MnistPart, mnistFileNames, defaultMnistDir, locateMnistFiles } from './mnist-files.js';
export { type Mnist, type MnistSplit, type MnistOptions, type MnistSizeOptions, type MnistFromIdxOptions, type MnistIdx, loadMnist, mnistFromIdx } from './mnist.js';
