/**
 * Errors of safetensors files and the training checkpoints stored in them are values, like
 * `IdxError`: one tagged record whose `message` names the API, the file, what was expected and
 * what was received. Nothing in the readers throws on any input bytes.
 */
import { fileSystemError } from './idx-file.js';

/**
 * What went wrong:
 * - `Truncated`: fewer bytes than the 8-byte length prefix, the header or the tensors it declares.
 * - `HeaderTooLarge`: a header length beyond the reference implementation's 100 MB limit.
 * - `BadHeader`: a header that is not UTF-8 JSON starting with `{`, repeats a key, or does not
 *   decode as a safetensors header (the message holds io-ts' error tree).
 * - `BadLayout`: tensor offsets that overlap, leave gaps, or disagree with dtype × shape.
 * - `TrailingBytes`: bytes after the last tensor.
 * - `UnsupportedDType`: a dtype purenet does not read (it reads F32, F64, F16 and BF16).
 * - `Corrupted`: the file's `purenet.crc32` does not match its contents.
 * - `BadMetadata`: checkpoint metadata that is missing or does not decode (io-ts' error tree).
 * - `Mismatch`: tensors or shapes that do not match the model or optimizer they load into.
 * - `NotFound`, `Io`: the file system refused (no such file, permissions, a failed write).
 */
export type SafetensorsErrorTag =
  | 'Truncated'
  | 'HeaderTooLarge'
  | 'BadHeader'
  | 'BadLayout'
  | 'TrailingBytes'
  | 'UnsupportedDType'
  | 'Corrupted'
  | 'BadMetadata'
  | 'Mismatch'
  | 'NotFound'
  | 'Io';

export interface SafetensorsError {
  readonly _tag: SafetensorsErrorTag;
  /** Names the API and the file: `decodeSafetensors(ckpt.safetensors): ...`. */
  readonly message: string;
  readonly path?: string;
}

export const safetensorsError = (tag: SafetensorsErrorTag, message: string, path?: string): SafetensorsError =>
  path === undefined ? { _tag: tag, message } : { _tag: tag, message, path };

/** @internal A failed file-system call as `NotFound` or `Io`, with the system's reason. */
export const fileError = (api: string, path: string, cause: unknown): SafetensorsError => {
  const error = fileSystemError(api, path, cause);
  return safetensorsError(error._tag === 'NotFound' ? 'NotFound' : 'Io', error.message, path);
};

/**
 * One line for a CLI or a log, `Tag: message`; the newlines of an io-ts error tree are folded
 * into ` / ` so the line stays one line (the full tree is in `error.message`).
 */
export const formatSafetensorsError = (error: SafetensorsError): string =>
  `${error._tag}: ${error.message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' / ')}`;
