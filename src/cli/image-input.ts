/**
 * Images for `purenet predict`, read into the form the MNIST model takes: [count, 28 × 28]
 * row-major pixels in [0, 1], white digit on black like MNIST (`ToTensor()`: value / 255). A
 * file is recognised by its content: a PNG (any colour type or bit depth: gray, RGB, palette,
 * with or without alpha) holds one image, converted to luminance (ITU-R BT.601, PIL's
 * `convert('L')`); an IDX file (plain or gzip) holds every image of [N, 28, 28] uint8 (MNIST's
 * own files). Transparent pixels are background: black, or white with `invert` (black-on-white
 * drawings, which `invert` turns into MNIST's polarity).
 */
import { readFile } from 'node:fs/promises';
import pngjs from 'pngjs';
import * as E from 'fp-ts/lib/Either.js';
import { formatIdxError, isGzip, readIdxFile } from '../io/index.js';
import { RuntimeFailure } from './failures.js';

export interface ImageInputOptions {
  /** [height, width] every image must have; default [28, 28]. */
  readonly shape?: readonly [number, number];
  /** Black ink on white paper: use 1 - value so that the digit is white on black, like MNIST. */
  readonly invert?: boolean;
}

export interface ImageInput {
  /** The path as given. */
  readonly path: string;
  readonly format: 'png' | 'idx';
  readonly count: number;
  /** [count, height × width] values in [0, 1]. */
  readonly images: Float32Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const isPng = (bytes: Uint8Array): boolean => bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
/** IDX starts with two zero bytes, then a type code and the rank. */
const isIdx = (bytes: Uint8Array): boolean => isGzip(bytes) || (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0);

const errnoText = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file (ENOENT)';
  if (code === 'EISDIR') return 'expected a file, got a directory (EISDIR)';
  return code ?? String(error);
};

const toUnit = (value: number, invert: boolean): number => (invert ? 1 - value / 255 : value / 255);

/** One PNG's pixels as luminance in [0, 1]; transparency shows the background of the polarity. */
export const decodePngImage = (path: string, bytes: Uint8Array, options: ImageInputOptions = {}): Float32Array => {
  const [height, width] = options.shape ?? [28, 28];
  const invert = options.invert ?? false;
  let png: { readonly width: number; readonly height: number; readonly data: Uint8Array };
  try {
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new RuntimeFailure(`${path}: cannot decode the PNG: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (png.width !== width || png.height !== height) {
    throw new RuntimeFailure(`${path}: expected a ${width} × ${height} image, got ${png.width} × ${png.height}; resize it to ${width} × ${height} first (MNIST digits are centred in a ${width} × ${height} box)`);
  }
  const background = invert ? 255 : 0;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b, a] = [png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2], png.data[4 * i + 3]];
    const luminance = (299 * r + 587 * g + 114 * b) / 1000;
    const alpha = a / 255;
    out[i] = toUnit(luminance * alpha + background * (1 - alpha), invert);
  }
  return out;
};

const readIdxImages = async (path: string, invert: boolean, [height, width]: readonly [number, number]): Promise<Float32Array> => {
  const parsed = await readIdxFile(path);
  if (E.isLeft(parsed)) throw new RuntimeFailure(formatIdxError(parsed.left));
  const { dtype, shape, data } = parsed.right;
  const single = shape.length === 2 && shape[0] === height && shape[1] === width;
  const many = shape.length === 3 && shape[1] === height && shape[2] === width;
  if (dtype !== 'uint8' || !(single || many)) {
    throw new RuntimeFailure(`${path}: expected IDX images, uint8 [N, ${height}, ${width}], got ${dtype} [${shape.join(', ')}]${shape.length === 1 ? ' (a labels file?)' : ''}`);
  }
  if (data.length === 0) throw new RuntimeFailure(`${path}: expected at least one image, got none ([${shape.join(', ')}])`);
  return Float32Array.from(data, (v) => toUnit(v, invert));
};

/** Reads one image file; throws RuntimeFailure naming the file on anything it cannot use. */
export const readImageInput = async (path: string, options: ImageInputOptions = {}): Promise<ImageInput> => {
  const shape = options.shape ?? [28, 28];
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new RuntimeFailure(`${path}: cannot read the image: ${errnoText(error)}`);
  }
  const pixels = shape[0] * shape[1];
  if (isPng(bytes)) return { path, format: 'png', count: 1, images: decodePngImage(path, bytes, options) };
  if (isIdx(bytes)) {
    const images = await readIdxImages(path, options.invert ?? false, shape);
    return { path, format: 'idx', count: images.length / pixels, images };
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new RuntimeFailure(`${path}: expected a PNG or an IDX images file, got neither (it starts with ${head || 'nothing: the file is empty'})`);
};
