import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { isGzip, readIdxFile, type IdxArray, type IdxError } from '../../../src/io/index.js';
import { fileSystemError } from '../../../src/io/idx-file.js';
import { idxBytes, ubyteIdx, withTempDir } from './idx-fixtures.js';

const int16File = idxBytes(0x0b, [2, 2], [0x01, 0x02, 0xff, 0xfe, 0x00, 0x03, 0x80, 0x00]);
const expectInt16 = (r: E.Either<IdxError, IdxArray>): void => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`);
  expect(r.right.dtype).toBe('int16');
  expect(r.right.shape).toEqual([2, 2]);
  expect(Array.from(r.right.data)).toEqual([258, -2, 3, -32768]);
};
const leftOf = (r: E.Either<IdxError, IdxArray>): IdxError => {
  if (E.isRight(r)) throw new Error('expected Left, got Right');
  return r.left;
};

describe('readIdxFile', () => {
  it('reads a plain file and a gzip file to the same array', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'a-idx2-short'), int16File);
      await writeFile(join(dir, 'a-idx2-short.gz'), gzipSync(int16File));
      expectInt16(await readIdxFile(join(dir, 'a-idx2-short')));
      expectInt16(await readIdxFile(join(dir, 'a-idx2-short.gz')));
    }));

  it('detects gzip by its magic bytes, not by the file name', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'gzip-without-suffix'), gzipSync(int16File));
      await writeFile(join(dir, 'plain-with-suffix.gz'), int16File);
      expectInt16(await readIdxFile(join(dir, 'gzip-without-suffix')));
      expectInt16(await readIdxFile(join(dir, 'plain-with-suffix.gz')));
    }));

  it('NotFound: a missing file, named in the message and the path field', async () => {
    const path = join('/nonexistent-purenet-dir', 'train-images-idx3-ubyte');
    const e = leftOf(await readIdxFile(path));
    expect(e._tag).toBe('NotFound');
    expect(e.path).toBe(path);
    expect(e.message).toBe(`readIdxFile(${path}): no such file (ENOENT)`);
  });

  it('Io: a directory where a file was expected', () =>
    withTempDir(async (dir) => {
      await mkdir(join(dir, 'sub'));
      const e = leftOf(await readIdxFile(join(dir, 'sub')));
      expect(e._tag).toBe('Io');
      expect(e.message).toContain('expected a file, got a directory');
    }));

  it('Gzip: corrupt or cut-off gzip data', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'garbage.gz'), new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]));
      const packed = gzipSync(ubyteIdx([64], Array.from({ length: 64 }, (_, i) => i)));
      await writeFile(join(dir, 'cut.gz'), packed.subarray(0, packed.length - 12));
      for (const name of ['garbage.gz', 'cut.gz']) {
        const e = leftOf(await readIdxFile(join(dir, name)));
        expect(e._tag).toBe('Gzip');
        expect(e.path).toBe(join(dir, name));
        expect(e.message).toContain(`readIdxFile(${join(dir, name)}): expected valid gzip data`);
      }
    }));

  it('a parse error inside a gzip file names the file and says it was inflated', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'labels.gz');
      await writeFile(path, gzipSync(ubyteIdx([3], [1, 2])));
      const e = leftOf(await readIdxFile(path));
      expect(e._tag).toBe('Truncated');
      expect(e.path).toBe(path);
      expect(e.message.startsWith(`parseIdx(${path}, inflated): shape [3] of uint8`)).toBe(true);
    }));

  it('a parse error in a plain file carries its path', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'notes.txt');
      await writeFile(path, 'hello, not an IDX file');
      const e = leftOf(await readIdxFile(path));
      expect(e._tag).toBe('BadMagic');
      expect(e.path).toBe(path);
      expect(e.message).toContain(path);
    }));
});

describe('fileSystemError', () => {
  it('maps error codes to tags and names the API and path', () => {
    const of = (code: string) => fileSystemError('readIdxFile', '/d/x', Object.assign(new Error(`${code}: boom`), { code }));
    expect(of('ENOENT')._tag).toBe('NotFound');
    expect(of('ENOTDIR')._tag).toBe('NotFound');
    expect(of('EACCES')).toEqual({ _tag: 'Io', message: 'readIdxFile(/d/x): permission denied (EACCES)', path: '/d/x' });
    expect(of('EMFILE')).toEqual({ _tag: 'Io', message: 'readIdxFile(/d/x): could not read the file: EMFILE: boom', path: '/d/x' });
    expect(fileSystemError('readIdxFile', '/d/x', 'odd').message).toBe('readIdxFile(/d/x): could not read the file: odd');
  });
});

describe('isGzip', () => {
  it('looks at the first two bytes only', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(new Uint8Array([0, 0, 8, 1]))).toBe(false);
  });
});
