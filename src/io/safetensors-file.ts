/**
 * Safetensors files and training checkpoints on disk (Node). Writes are atomic
 * (`writeFileAtomic`: temporary file, fsync, rename, directory fsync), so a crash or a failed
 * write leaves the previous file intact; reads validate everything before anything is returned.
 * Every failure is a `SafetensorsError` value.
 *
 * @example
 * await saveCheckpoint('run/ckpt.safetensors', { params, optState, step, position: { epoch: 3, batch: 0 }, key, config });
 * const resumed = await loadCheckpoint('run/ckpt.safetensors', { params, optState: adam().init(params), backend, config: configDecoder });
 */
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { Backend, Tree } from '../core/index.js';
import { writeFileAtomic, type AtomicFileSystem } from './atomic-write.js';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint, type CheckpointContents, type CheckpointTemplate, type TrainingCheckpoint } from './checkpoint.js';
import { decodeSafetensors, type Safetensors } from './safetensors.js';
import { fileError, type SafetensorsError } from './safetensors-error.js';
import { encodeParams, loadStateDict, type EncodeParamsOptions } from './state-dict.js';

export interface WriteOptions {
  /** The file system the atomic write uses (tests make it fail). Default: node:fs. */
  readonly fileSystem?: AtomicFileSystem;
}

const readBytes = async (api: string, path: string): Promise<E.Either<SafetensorsError, Uint8Array>> => {
  try {
    const buffer = await readFile(path);
    return E.right(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  } catch (cause) {
    return E.left(fileError(api, path, cause));
  }
};

/** Reads and decodes a safetensors file (any writer's; F32, F64, F16 and BF16 tensors). */
export const readSafetensorsFile = async (path: string): Promise<E.Either<SafetensorsError, Safetensors>> => {
  const bytes = await readBytes('readSafetensorsFile', path);
  return E.isLeft(bytes) ? bytes : decodeSafetensors(bytes.right, { source: path });
};

/** Writes `params` as a state-dict file, atomically. */
export const saveParams = async (path: string, params: Tree, options: EncodeParamsOptions & WriteOptions = {}): Promise<E.Either<SafetensorsError, void>> =>
  writeFileAtomic(path, await encodeParams(params, options), { api: 'saveParams', fileSystem: options.fileSystem });

/** Loads a state-dict file into a tree shaped like `like`, strictly (see `loadStateDict`). */
export const loadParams = async <P extends Tree>(path: string, like: P, backend: Backend): Promise<E.Either<SafetensorsError, P>> => {
  const file = await readSafetensorsFile(path);
  return E.isLeft(file) ? file : loadStateDict(like, file.right, backend, { source: path });
};

/** Writes a training checkpoint, atomically: on failure the previous checkpoint at `path` is unchanged. */
export const saveCheckpoint = async <P extends Tree, S, C>(path: string, checkpoint: TrainingCheckpoint<P, S, C>, options: WriteOptions = {}): Promise<E.Either<SafetensorsError, void>> =>
  writeFileAtomic(path, await encodeCheckpoint(checkpoint), { api: 'saveCheckpoint', fileSystem: options.fileSystem });

/** Reads and validates a checkpoint (metadata decoded; tensors not yet matched to a model). */
export const readCheckpointFile = async (path: string): Promise<E.Either<SafetensorsError, CheckpointContents>> => {
  const bytes = await readBytes('readCheckpointFile', path);
  return E.isLeft(bytes) ? bytes : decodeCheckpoint(bytes.right, { source: path });
};

/** Reads a checkpoint and restores it into `template` (see `restoreCheckpoint`). */
export const loadCheckpoint = async <P extends Tree, S, C>(path: string, template: CheckpointTemplate<P, S, C>): Promise<E.Either<SafetensorsError, TrainingCheckpoint<P, S, C>>> => {
  const contents = await readCheckpointFile(path);
  return E.isLeft(contents) ? contents : restoreCheckpoint(contents.right, template, { source: path });
};
