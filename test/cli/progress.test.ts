import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceProgress, createProgress, initialProgress, progressMode, type ProgressConfig, type ProgressEvent } from '../../src/cli/progress.js';
import { fakeIo, recordingStream, screen } from './support.js';

/** Two epochs of `batches` batches of 10 examples, loss 1/(step+1), 0.05 s per batch. */
const drive = (io: ReturnType<typeof fakeIo>, options: Parameters<typeof createProgress>[1], batches = 4): void => {
  const progress = createProgress(io, options);
  progress.log('backend: test');
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let b = 0; b < batches; b++) {
      io.tick(0.05);
      progress.step({ epoch, epochs: 2, batchIndex: b, batches, size: 10, loss: 1 / (epoch * batches + b + 1) });
    }
    progress.epochEnd({ epoch, epochs: 2, loss: 0.5 / (epoch + 1), metrics: { testAccuracy: 0.8 + 0.1 * epoch } });
  }
  progress.close();
};

describe('progress on a terminal (fake TTY)', () => {
  it('redraws one live bar in place, then leaves one line per epoch', () => {
    const io = fakeIo({ tty: true, columns: 120 });
    drive(io, { redrawInterval: 0 });
    const out = io.stdout.text();
    expect(out).toContain('\r\x1b[K'); // redraws in place
    expect(out).toMatch(/epoch 1\/2 \[█{6}·{18}\] 1\/4 {2}200 samples\/s {2}ETA 0:00 {2}loss 1\.0000/);
    expect(out).toMatch(/epoch 2\/2 \[█{24}\] 4\/4 {2}200 samples\/s {2}ETA 0:00 {2}loss 0\.1586/);
    // What stays on screen: the log line and one line per epoch, with the time measured from the steps.
    expect(screen(out)).toEqual([
      'backend: test',
      'epoch 1/2  loss 0.5000  test_accuracy 0.8000  (0.20 s, 200 samples/s)',
      'epoch 2/2  loss 0.2500  test_accuracy 0.9000  (0.20 s, 200 samples/s)',
      '',
    ]);
    expect(io.stderr.text()).toBe('');
  });

  it('throttles redraws but always draws the last batch', () => {
    const io = fakeIo({ tty: true });
    const progress = createProgress(io, { redrawInterval: 1 });
    for (let b = 0; b < 100; b++) {
      io.tick(0.01);
      progress.step({ epoch: 0, batchIndex: b, batches: 100, size: 1, loss: 1 });
    }
    const draws = io.stdout.chunks.filter((chunk) => chunk.startsWith('\r\x1b[K'));
    expect(draws.length).toBe(1 + 1); // the first batch (nothing shown yet) and the last
    expect(draws[draws.length - 1]).toContain('100/100');
  });

  it('a log line during an epoch is printed above the bar, which is redrawn', () => {
    const io = fakeIo({ tty: true });
    const progress = createProgress(io);
    progress.step({ epoch: 0, batchIndex: 0, batches: 2, size: 1, loss: 1 });
    progress.log('a note');
    expect(screen(io.stdout.text())[0]).toBe('a note');
    expect(screen(io.stdout.text())[1]).toMatch(/^epoch 1 \[/);
    progress.close();
    expect(io.stdout.text().endsWith('\n')).toBe(true); // an interrupted bar keeps its line
  });

  it('a terminal that reports 0 columns (a pty without a size) gets an 80-column bar, not an empty one', () => {
    const io = fakeIo({ tty: true, columns: 0 });
    const progress = createProgress(io);
    progress.step({ epoch: 0, batchIndex: 0, batches: 2, size: 1, loss: 1 });
    expect(io.stdout.text()).toMatch(/^\r\x1b\[Kepoch 1 \[/);
    expect(io.stdout.text().length).toBeLessThanOrEqual(80 + 4);
  });

  it('keeps quiet about epochs when the run prints its own lines', () => {
    const io = fakeIo({ tty: true });
    drive(io, { epochLines: false, redrawInterval: 0 });
    expect(screen(io.stdout.text())).toEqual(['backend: test', '']);
  });
});

describe('the epoch clock', () => {
  it('starts after the last line logged outside an epoch: setup and evaluation do not count as training', () => {
    const io = fakeIo();
    const progress = createProgress(io, { json: true });
    progress.log('loading data');
    io.tick(30); // loading, initialising, evaluating the initial parameters
    progress.log('before training: ...');
    for (let b = 0; b < 4; b++) {
      io.tick(0.5);
      progress.step({ epoch: 0, batchIndex: b, batches: 4, size: 100, loss: 1 });
      if (b === 1) progress.log('a note inside the epoch does not restart its clock');
    }
    progress.epochEnd({ epoch: 0, loss: 1 });
    io.tick(7); // evaluating and writing a checkpoint after the epoch
    progress.log('checkpoint: saved');
    io.tick(1);
    progress.step({ epoch: 1, batchIndex: 0, batches: 1, size: 100, loss: 1 });
    progress.epochEnd({ epoch: 1, loss: 1 });
    const records = io.stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as { seconds: number; samplesPerSecond: number });
    expect(records.map((r) => [r.seconds, r.samplesPerSecond])).toEqual([
      [2, 200],
      [1, 100],
    ]);
  });
});

describe('progress in a pipe or CI', () => {
  it('writes exactly one plain line per epoch and no control characters', () => {
    const io = fakeIo();
    drive(io, {});
    expect(io.stdout.text()).toBe(
      ['backend: test', 'epoch 1/2  loss 0.5000  test_accuracy 0.8000  (0.20 s, 200 samples/s)', 'epoch 2/2  loss 0.2500  test_accuracy 0.9000  (0.20 s, 200 samples/s)', ''].join('\n'),
    );
  });
});

describe('progress as JSON Lines', () => {
  it('writes one JSON object per epoch on stdout and the human lines on stderr, even on a terminal', () => {
    const io = fakeIo({ tty: true });
    drive(io, { json: true });
    const lines = io.stdout.text().split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual({ event: 'epoch', epoch: 1, epochs: 2, loss: 0.25, seconds: expect.closeTo(0.2, 9) as unknown, samples: 40, samplesPerSecond: expect.closeTo(200, 6) as unknown, testAccuracy: 0.9 });
    expect(io.stderr.text()).toBe('backend: test\n');
  });

  it('every line parses, whatever the events (property)', () => {
    const event: fc.Arbitrary<ProgressEvent> = fc.oneof(
      fc.record({ kind: fc.constant('log' as const), line: fc.string() }),
      fc.record({
        kind: fc.constant('step' as const),
        step: fc.record({ epoch: fc.nat(3), batchIndex: fc.nat(9), batches: fc.integer({ min: 1, max: 10 }), size: fc.integer({ min: 1, max: 64 }), loss: fc.double() }),
      }),
      fc.record({ kind: fc.constant('epochEnd' as const), summary: fc.record({ epoch: fc.nat(3), loss: fc.double(), metrics: fc.dictionary(fc.string(), fc.double()) }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const config: ProgressConfig = { mode: 'json' };
        let state = initialProgress(0);
        let stdout = '';
        events.forEach((e, i) => {
          const [next, output] = advanceProgress(config, state, e, i);
          state = next;
          stdout += output.stdout;
        });
        const lines = stdout.split('\n').filter((line) => line !== '');
        expect(lines).toHaveLength(events.filter((e) => e.kind === 'epochEnd').length);
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      }),
    );
  });
});

describe('progressMode', () => {
  it('json when asked, tty on a terminal, plain otherwise', () => {
    expect(progressMode(recordingStream({ isTTY: true }), true)).toBe('json');
    expect(progressMode(recordingStream({ isTTY: true }), false)).toBe('tty');
    expect(progressMode(recordingStream(), false)).toBe('plain');
  });
});
