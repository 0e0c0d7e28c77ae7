/**
 * Atomic writes: the target is replaced whole or not at all. A failure at any step before the
 * rename (create, write — even after half the bytes went out —, fsync, close, rename) leaves the
 * previous file byte for byte and no temporary file behind; a failed directory fsync after the
 * rename is reported without claiming the old file survived.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { checkWritableTarget, nodeFileSystem, writeFileAtomic, type AtomicFileSystem } from '../../../src/io/index.js';

const root = mkdtempSync(join(tmpdir(), 'purenet-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const freshDir = (name: string): string => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};

const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

type Step = 'create' | 'write' | 'sync' | 'close' | 'rename';

/** node's file system, except that `step` fails (a write fails after writing half the bytes). */
const failingAt = (step: Step): AtomicFileSystem => ({
  ...nodeFileSystem,
  createExclusive: async (path) => {
    if (step === 'create') throw enospc();
    const file = await nodeFileSystem.createExclusive(path);
    return {
      write: async (bytes) => {
        if (step !== 'write') return file.write(bytes);
        await file.write(bytes.subarray(0, bytes.length >> 1));
        throw enospc();
      },
      sync: async () => (step === 'sync' ? Promise.reject(enospc()) : file.sync()),
      close: async () => {
        await file.close();
        if (step === 'close') throw enospc();
      },
    };
  },
  rename: async (from, to) => (step === 'rename' ? Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })) : nodeFileSystem.rename(from, to)),
});

describe('writeFileAtomic', () => {
  it('creates, then replaces, leaving no temporary file', async () => {
    const dir = freshDir('ok');
    const path = join(dir, 'ckpt.safetensors');
    expect(await writeFileAtomic(path, new Uint8Array([1, 2, 3]))).toEqual(E.right(undefined));
    expect(await writeFileAtomic(path, new Uint8Array([4, 5]))).toEqual(E.right(undefined));
    expect(Array.from(readFileSync(path))).toEqual([4, 5]);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  it.each(['create', 'write', 'sync', 'close', 'rename'] as const)('a failure at %s leaves the previous file intact and no temporary file', async (step) => {
    const dir = freshDir(`fail-${step}`);
    const path = join(dir, 'ckpt.safetensors');
    writeFileSync(path, 'previous checkpoint');
    const result = await writeFileAtomic(path, new Uint8Array(4096).fill(7), { api: 'saveCheckpoint', fileSystem: failingAt(step) });
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left.message).toMatch(new RegExp(`^saveCheckpoint\\(${path}\\): .* failed \\((ENOSPC|EXDEV)[^)]*\\); the previous file, if any, is unchanged$`));
      expect(result.left.path).toBe(path);
    }
    expect(readFileSync(path, 'utf8')).toBe('previous checkpoint');
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  it('refuses to write over a directory, and cleans up', async () => {
    const dir = freshDir('over-dir');
    mkdirSync(join(dir, 'target'));
    const result = await writeFileAtomic(join(dir, 'target'), new Uint8Array([1]));
    expect(E.isLeft(result) && result.left.message).toMatch(/renaming .* over the target failed/);
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('reports a failed directory fsync after the rename as such (the new file is in place)', async () => {
    const dir = freshDir('dir-sync');
    const path = join(dir, 'ckpt.safetensors');
    const fileSystem: AtomicFileSystem = { ...nodeFileSystem, syncDirectory: async () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) };
    const result = await writeFileAtomic(path, new Uint8Array([9]), { fileSystem });
    expect(E.isLeft(result) && result.left.message).toMatch(/fsync of the directory .* after the rename failed \(EIO: i\/o error\); the new file is in place but may not survive a power cut$/);
    expect(Array.from(readFileSync(path))).toEqual([9]);
  });

  it('reports a missing directory as a failed create', async () => {
    const result = await writeFileAtomic(join(root, 'no-such-dir', 'x'), new Uint8Array([1]));
    expect(E.isLeft(result) && result.left.message).toMatch(/creating the temporary file .* failed \(ENOENT/);
  });

  it('checkWritableTarget: a path whose directory exists passes; a missing directory, a file as directory or a directory as target do not', async () => {
    const dir = freshDir('check');
    writeFileSync(join(dir, 'file'), 'x');
    expect(await checkWritableTarget(join(dir, 'new.safetensors'))).toEqual(E.right(undefined));
    const fail = async (path: string) => {
      const result = await checkWritableTarget(path, 'saveCheckpoint');
      return E.isLeft(result) ? result.left.message : 'Right';
    };
    expect(await fail(join(dir, 'missing', 'x'))).toMatch(/^saveCheckpoint\(.*\): expected an existing directory .*missing to write into, got nothing there$/);
    expect(await fail(join(dir, 'file', 'x'))).toMatch(/got a file$/);
    expect(await fail(dir)).toMatch(/expected a file path, got a directory$/);
  });
});
