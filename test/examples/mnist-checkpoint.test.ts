/**
 * The MNIST example's --save, --resume and --config: a run stopped after epoch 1 and resumed ends
 * bit-identical to an uninterrupted one (through the example's own functions); a failed or killed
 * write leaves the last good checkpoint usable; a bad config file exits 2 with io-ts' tree; a
 * damaged checkpoint exits 1 with one line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { decodeCheckpoint, decodeSafetensors, nodeFileSystem, readCheckpointFile, type AtomicFileSystem } from '../../src/io/index.js';
import { renderHelp } from '../../src/cli/flags.js';
import { defaults, flagSpecs, parseMnistArgs, resolveMnistArgs, type MnistOptions } from '../../examples/mnist/options.js';
import { MnistRunError, runMnist } from '../../examples/mnist/run.js';

const main = join(import.meta.dirname, '../../dist/examples/mnist/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'purenet-mnist-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny: MnistOptions = { ...defaults, epochs: 2, trainSize: 512, testSize: 200 };
const quiet = () => undefined;

/** Tensor bits by name, and the metadata, of a checkpoint file. */
const contentsOf = (path: string) => {
  const file = decodeSafetensors(readFileSync(path));
  if (E.isLeft(file)) throw new Error(file.left.message);
  return {
    tensors: Object.fromEntries(file.right.tensors.map((t) => [t.name, Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length))])),
    metadata: file.right.metadata,
  };
};

describe('examples/mnist checkpoints', () => {
  it('save after epoch 1, resume to epoch 2 = 2 epochs uninterrupted, bit for bit', async () => {
    const straight = join(dir, 'straight.safetensors');
    const first = join(dir, 'first.safetensors');
    const resumed = join(dir, 'resumed.safetensors');
    const a = await runMnist({ ...tiny, save: straight }, quiet);
    await runMnist({ ...tiny, epochs: 1, save: first }, quiet);
    const lines: string[] = [];
    const c = await runMnist({ ...tiny, resume: first, save: resumed }, (line) => lines.push(line));

    expect(c.startEpoch).toBe(1);
    expect(c.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(c.epochs[0].loss).toBe(a.epochs[1].loss);
    expect(c.epochs[0].testAccuracy).toBe(a.epochs[1].testAccuracy);
    expect(lines).toContain(`resumed from ${first}: 1 epoch done, step 2`);
    const [x, y] = [contentsOf(straight), contentsOf(resumed)];
    expect(Object.keys(x.tensors)).toContain('opt.1.nu.lin_1.weight');
    expect(y.tensors).toEqual(x.tensors);
    expect(y.metadata).toEqual(x.metadata);
    expect(x.metadata['purenet.position']).toBe('{"epoch":2,"batch":0}');
    // Same tensors, same metadata: the files are the same bytes.
    expect(readFileSync(resumed).equals(readFileSync(straight))).toBe(true);
  }, 60_000);

  it('a failed checkpoint write stops the run with one line and leaves the previous checkpoint intact', async () => {
    const path = join(dir, 'kept.safetensors');
    await runMnist({ ...tiny, epochs: 1, save: path }, quiet);
    const before = readFileSync(path);
    const full: AtomicFileSystem = {
      ...nodeFileSystem,
      createExclusive: async (p) => {
        const file = await nodeFileSystem.createExclusive(p);
        return {
          ...file,
          write: async (bytes) => {
            await file.write(bytes.subarray(0, 1000));
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
        };
      },
    };
    const failed = runMnist({ ...tiny, resume: path, save: path }, quiet, { fileSystem: full });
    await expect(failed).rejects.toBeInstanceOf(MnistRunError);
    await expect(failed).rejects.toThrow(/^--save: Io: saveCheckpoint\(.*kept\.safetensors\): writing \d+ bytes to .* failed \(ENOSPC: no space left on device\); the previous file, if any, is unchanged$/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const contents = await readCheckpointFile(path);
    expect(E.isRight(contents) && contents.right.position.epoch).toBe(1);
  }, 60_000);

  it('a process killed while training leaves the last checkpoint it wrote loadable', async () => {
    const path = join(dir, 'killed.safetensors');
    const child = spawn(process.execPath, [main, '--epochs', '200', '--train-size', '512', '--test-size', '100', '--save', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // Kill as soon as the third checkpoint is announced: the fourth epoch (and maybe its write) is under way.
        if ((out.match(/^checkpoint:/gm) ?? []).length >= 3) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');
    const contents = await readCheckpointFile(path);
    expect(E.isRight(contents)).toBe(true);
    if (E.isRight(contents)) expect(contents.right.position.epoch).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

describe('examples/mnist --config', () => {
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the file, lets flags override it, and keeps the defaults for the rest', async () => {
    const path = write('good.json', '{"epochs": 3, "batch-size": 64, "lr": "0.01", "train-size": 1000}');
    const resolved = await resolveMnistArgs(['--config', path, '--epochs', '5']);
    expect(resolved).toEqual(E.right({ _tag: 'run', options: { ...defaults, epochs: 5, batchSize: 64, lr: 0.01, trainSize: 1000, config: path } }));
  });

  it('is never silently ignored: the pure parseMnistArgs refuses it, --help lists it', () => {
    const parsed = parseMnistArgs(['--config', 'x.json']);
    expect(E.isLeft(parsed) && parsed.left.message).toMatch(/--config needs its file read: call resolveMnistArgs/);
    expect(renderHelp('mnist', '', flagSpecs)).toMatch(/--save PATH[\s\S]*--resume PATH[\s\S]*--config FILE/);
  });

  it('refuses unknown keys and bad values with a tree, exit code 2 and no stack trace', () => {
    const path = write('bad.json', '{"epochs": -1, "batchSize": 64}');
    const result = run('--config', path);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        `mnist: invalid --config: readConfigFile(${path}): invalid configuration:`,
        'optional property "batchSize"',
        '└─ cannot decode 64, should be absent: there is no option "batchSize" (the options are epochs, batch-size, lr, hidden, seed, backend, mode, threads, data, train-size, test-size, save, resume, plots)',
        'optional property "epochs"',
        '└─ cannot decode -1, should be an integer in [0, ∞]',
        '',
      ].join('\n'),
    );
    expect(result.stdout).toBe('');
  }, 30_000);

  it('refuses a missing or non-JSON config file with exit code 2', () => {
    const missing = run('--config', join(dir, 'nowhere.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mnist: invalid --config: readConfigFile\(.*nowhere\.json\): no such file \(ENOENT\)\n$/);
    const syntax = run('--config', write('syntax.json', '{"epochs": 1,,}'));
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(/^mnist: invalid --config: .*expected JSON, got a syntax error/);
  }, 30_000);
});

describe('examples/mnist --resume refusals', () => {
  it('a damaged checkpoint exits 1 with one line naming the damage', async () => {
    const path = join(dir, 'damaged.safetensors');
    await runMnist({ ...tiny, epochs: 1, save: path }, quiet);
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] ^= 0x10;
    writeFileSync(path, bytes);
    const flipped = run('--train-size', '512', '--test-size', '200', '--epochs', '2', '--resume', path);
    expect(flipped.status).toBe(1);
    expect(flipped.stderr).toMatch(new RegExp(`^mnist: --resume ${path}: Corrupted: decodeSafetensors\\(${path}\\): the contents do not match the stored checksum .*\\n$`));
    writeFileSync(path, bytes.subarray(0, 5000));
    const cut = run('--train-size', '512', '--test-size', '200', '--resume', path);
    expect(cut.status).toBe(1);
    expect(cut.stderr.trim().split('\n')).toHaveLength(1);
    expect(cut.stderr).toMatch(/Truncated: decodeSafetensors/);
    expect(cut.stderr).not.toMatch(/\bat .*\.js:\d+/);
  }, 60_000);

  it('refuses another model shape and an epoch count below the checkpoint, each in one line', async () => {
    const path = join(dir, 'two.safetensors');
    await runMnist({ ...tiny, save: path }, quiet);
    await expect(runMnist({ ...tiny, hidden: 128, resume: path }, quiet)).rejects.toThrow(/the checkpoint holds a 784-256-10 model, the options ask for hidden 128; pass --hidden 256$/);
    await expect(runMnist({ ...tiny, epochs: 1, resume: path }, quiet)).rejects.toThrow(/--epochs 1 is below the 2 epochs the checkpoint has done/);
    const params = run('--resume', path.replace('two', 'nowhere'));
    expect(params.status).toBe(1);
    expect(params.stderr).toMatch(/^mnist: --resume .*: NotFound: readCheckpointFile\(.*\): no such file \(ENOENT\)\n$/);
  }, 60_000);

  it('refuses a --save path it could not write before training starts', () => {
    const result = run('--train-size', '512', '--save', join(dir, 'no-such-dir', 'ckpt.safetensors'));
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mnist: --save: saveCheckpoint\(.*\): expected an existing directory .*no-such-dir to write into, got nothing there\n$/);
  }, 30_000);

  it('notes options that make the resumed run differ from the uninterrupted one', async () => {
    const path = join(dir, 'note.safetensors');
    await runMnist({ ...tiny, epochs: 1, save: path }, quiet);
    const lines: string[] = [];
    await runMnist({ ...tiny, lr: 0.002, resume: path }, (line) => lines.push(line));
    expect(lines).toContain("resume: these options differ from the checkpoint's, so the run is no longer the uninterrupted one: --lr 0.002 (checkpoint: 0.001)");
    expect(existsSync(path)).toBe(true);
    expect(E.isRight(decodeCheckpoint(readFileSync(path)))).toBe(true);
  }, 60_000);
});
