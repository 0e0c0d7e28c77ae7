/**
 * Reading an IDX file from disk (Node only). Compression is recognised by content, not by name:
 * bytes that start with the gzip magic `1f 8b` are inflated with node:zlib before `parseIdx`, so
 * `train-images-idx3-ubyte.gz`, a gzip saved without its suffix and a plain file named `.gz` all
 * read correctly. File-system failures become `NotFound` / `Io` values; nothing throws.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { idxError, type IdxError } from './idx-error.js';
import { parseIdx, type IdxArray } from './idx.js';

const gunzipAsync = promisify(gunzip);

/** True when `bytes` start with the gzip member header `1f 8b`. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

const describeCause = (cause: unknown): { readonly code: string | undefined; readonly text: string } => {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const text = cause instanceof Error ? cause.message : String(cause);
  return { code, text };
};

/** @internal Maps a failed `readFile` onto `NotFound` (ENOENT, ENOTDIR) or `Io` (everything else). */
export const fileSystemError = (api: string, path: string, cause: unknown): IdxError => {
  const { code, text } = describeCause(cause);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return idxError('NotFound', `${api}(${path}): no such file (${code})`, path);
    case 'EISDIR':
      return idxError('Io', `${api}(${path}): expected a file, got a directory (EISDIR)`, path);
    case 'EACCES':
    case 'EPERM':
      return idxError('Io', `${api}(${path}): permission denied (${code})`, path);
    default:
      return idxError('Io', `${api}(${path}): could not read the file: ${text}`, path);
  }
};

/**
 * Reads and parses one IDX file, plain or gzip-compressed (detected by the magic bytes).
 *
 * @example
 * const labels = await readIdxFile('data/t10k-labels-idx1-ubyte.gz');
 * // Right({ dtype: 'uint8', shape: [10000], data: Uint8Array [...] })
 */
export const readIdxFile = async (path: string): Promise<E.Either<IdxError, IdxArray>> => {
  let file: Uint8Array;
  try {
    const buffer = await readFile(path);
    file = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (cause) {
    return E.left(fileSystemError('readIdxFile', path, cause));
  }
  if (!isGzip(file)) return parseIdx(file, { source: path });
  let inflated: Uint8Array;
  try {
    const buffer = await gunzipAsync(file);
    inflated = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (cause) {
    const { text } = describeCause(cause);
    return E.left(idxError('Gzip', `readIdxFile(${path}): expected valid gzip data after the 1f 8b magic, but inflating failed: ${text}`, path));
  }
  // Say in the message that the bytes were inflated, but keep `path` the file's own path.
  return E.mapLeft((error: IdxError) => idxError(error._tag, error.message, path))(parseIdx(inflated, { source: `${path}, inflated` }));
};
