/**
 * Lifecycle across a whole process: a program that never closes its thread pools still ends by
 * itself (workers are unref'ed, whether spinning or asleep), and a pool nobody can reach is
 * stopped once its kernel is collected. Each fixture is bundled with rolldown (vite's bundler)
 * and run in a fresh node; the spawn timeout only bounds a hang, it measures nothing.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeThreadSpawner } from '../../../src/core/backend/wasm/node-threads.js';

type Build = (options: object) => Promise<unknown>;
const rolldown = await import('rolldown').then((module) => module.build as unknown as Build).catch(() => undefined);
const runnable = rolldown !== undefined && nodeThreadSpawner() !== undefined && typeof SharedArrayBuffer !== 'undefined';
if (!runnable) console.warn('threads exit: needs rolldown (installed with vite) and worker_threads; skipped');

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

describe.skipIf(!runnable)('thread pools and the process', () => {
  const folder = mkdtempSync(join(tmpdir(), 'purenet-threads-'));
  const bundle = (name: string): string => join(folder, `${name}.mjs`);
  beforeAll(async () => {
    for (const name of ['exit-without-close', 'gc-stops-orphans']) {
      await (rolldown as Build)({ input: fixture(name), platform: 'node', logLevel: 'silent', output: { file: bundle(name), format: 'esm' } });
    }
    return () => rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  const node = (args: readonly string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });

  it('ends by itself with pools never closed, their workers spinning or asleep', () => {
    const child = node([bundle('exit-without-close')]);
    expect(child.signal).toBeNull(); // not killed by the hang bound
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^done 196 cpu \(float32, wasm-simd [a-z-]+ kernels, 2 threads\)\n$/);
  }, 40_000);

  it('stops the workers of a kernel that was garbage-collected', () => {
    const child = node(['--expose-gc', bundle('gc-stops-orphans')]);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('1 worker(s) stopped\n');
  }, 40_000);
});
