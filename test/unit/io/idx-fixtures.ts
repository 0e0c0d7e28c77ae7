/**
 * Hand-built IDX bytes for the tests, written out byte by byte (independent of `encodeIdx`), and
 * a temp-directory helper that always cleans up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `00 00 code rank`, big-endian uint32 dims, then `body` as given. */
export const idxBytes = (code: number, dims: readonly number[], body: readonly number[] = []): Uint8Array => {
  const header = [0, 0, code, dims.length];
  for (const d of dims) header.push((d >>> 24) & 0xff, (d >>> 16) & 0xff, (d >>> 8) & 0xff, d & 0xff);
  return new Uint8Array([...header, ...body]);
};

/** A uint8 IDX file of the given shape and values. */
export const ubyteIdx = (dims: readonly number[], values: readonly number[]): Uint8Array => idxBytes(0x08, dims, values);

/** Runs `body` with a fresh directory under os.tmpdir(), removed afterwards even on failure. */
export const withTempDir = async <T>(body: (dir: string) => Promise<T>): Promise<T> => {
  const dir = await mkdtemp(join(tmpdir(), 'purenet-io-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
