/**
 * Atomic file replacement (Node): the bytes go to a temporary file beside the target
 * (`<path>.tmp-<unique>`), which is fsynced, renamed over the target, and then the directory is
 * fsynced so that the rename itself survives a power cut. A reader sees the old file or the new
 * one, never a mix; a failure or a crash before the rename leaves the old file as it was, and the
 * temporary file is removed on every failure this process lives to see.
 *
 * The file system is a parameter (`AtomicFileSystem`) so that tests can make any step fail.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';

/** An open file being written. */
export interface WritableFile {
  readonly write: (bytes: Uint8Array) => Promise<void>;
  readonly sync: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** The file-system calls an atomic write makes. */
export interface AtomicFileSystem {
  /** Creates `path`, failing if it exists (O_CREAT | O_EXCL). */
  readonly createExclusive: (path: string) => Promise<WritableFile>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly remove: (path: string) => Promise<void>;
  /** fsync of a directory, making a rename in it durable. */
  readonly syncDirectory: (path: string) => Promise<void>;
}

// Platforms where a directory cannot be opened or fsynced (Windows, some network file systems):
// the rename is still atomic there, only its durability is up to the OS.
const unsupportedDirectorySync = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF']);

const codeOf = (cause: unknown): string | undefined =>
  typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;

/** Node's `fs/promises`. */
export const nodeFileSystem: AtomicFileSystem = {
  createExclusive: async (path) => {
    const handle = await open(path, 'wx', 0o644);
    return {
      write: async (bytes) => {
        await handle.writeFile(bytes);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename,
  remove: unlink,
  syncDirectory: async (path) => {
    let handle;
    try {
      handle = await open(path, 'r');
      await handle.sync();
    } catch (cause) {
      if (!unsupportedDirectorySync.has(codeOf(cause) ?? '')) throw cause;
    } finally {
      await handle?.close();
    }
  },
};

/** A failed write; the previous file at `path` (if any) is unchanged. */
export interface WriteError {
  readonly _tag: 'Io';
  readonly message: string;
  readonly path: string;
}

export interface AtomicWriteOptions {
  /** Names the caller in errors (default `writeFileAtomic`). */
  readonly api?: string;
  readonly fileSystem?: AtomicFileSystem;
}

const reason = (cause: unknown): string => {
  const code = codeOf(cause);
  const text = cause instanceof Error ? cause.message : String(cause);
  return code === undefined || text.includes(code) ? text : `${code}: ${text}`;
};

/** The temporary name: beside the target (a rename across file systems is not atomic), unique per call. */
export const temporaryPath = (path: string): string => join(dirname(path), `${basename(path)}.tmp-${randomUUID()}`);

/**
 * Replaces the file at `path` with `bytes`, atomically. Left (never a throw) when any step fails;
 * the message says which step and that the previous file is untouched.
 *
 * @example
 * const written = await writeFileAtomic('ckpt.safetensors', bytes);
 * if (E.isLeft(written)) console.error(written.left.message);
 */
export const writeFileAtomic = async (path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<E.Either<WriteError, void>> => {
  const { api = 'writeFileAtomic', fileSystem = nodeFileSystem } = options;
  const temporary = temporaryPath(path);
  const fail = (step: string, cause: unknown, consequence = 'the previous file, if any, is unchanged'): E.Either<WriteError, void> =>
    E.left({ _tag: 'Io', path, message: `${api}(${path}): ${step} failed (${reason(cause)}); ${consequence}` });
  let file: WritableFile;
  try {
    file = await fileSystem.createExclusive(temporary);
  } catch (cause) {
    return fail(`creating the temporary file ${temporary}`, cause);
  }
  let step = `writing ${bytes.length} bytes to ${temporary}`;
  let closed = false;
  try {
    await file.write(bytes);
    step = `fsync of ${temporary}`;
    await file.sync();
    step = `closing ${temporary}`;
    closed = true;
    await file.close();
    step = `renaming ${temporary} over the target`;
    await fileSystem.rename(temporary, path);
  } catch (cause) {
    if (!closed) await file.close().catch(() => undefined);
    await fileSystem.remove(temporary).catch(() => undefined);
    return fail(step, cause);
  }
  try {
    await fileSystem.syncDirectory(dirname(path));
  } catch (cause) {
    return fail(`fsync of the directory ${dirname(path)} after the rename`, cause, 'the new file is in place but may not survive a power cut');
  }
  return E.right(undefined);
};

/**
 * Checks, before any work is done, that `path` could be written: its directory exists and `path`
 * is not a directory. (A long run should not discover a typo in `--save` after its first epoch.)
 */
export const checkWritableTarget = async (path: string, api = 'writeFileAtomic'): Promise<E.Either<WriteError, void>> => {
  const directory = dirname(path);
  const isDirectory = (p: string) => stat(p).then((s) => s.isDirectory(), () => undefined);
  const [dirOk, targetIsDirectory] = await Promise.all([isDirectory(directory), isDirectory(path)]);
  if (dirOk !== true) return E.left({ _tag: 'Io', path, message: `${api}(${path}): expected an existing directory ${directory} to write into, got ${dirOk === false ? 'a file' : 'nothing there'}` });
  if (targetIsDirectory === true) return E.left({ _tag: 'Io', path, message: `${api}(${path}): expected a file path, got a directory` });
  return E.right(undefined);
};
