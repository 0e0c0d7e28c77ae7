import { describe, expect, it } from 'vitest';
import { epochJson, formatCount, formatDuration, formatEpochLine, formatLiveLine, formatNumber, progressBar } from '../../src/cli/progress-format.js';

describe('progress text', () => {
  it('durations as m:ss or h:mm:ss, unknown as --:--', () => {
    expect([formatDuration(0), formatDuration(7.4), formatDuration(62), formatDuration(3723), formatDuration(NaN), formatDuration(-1)]).toEqual(['0:00', '0:07', '1:02', '1:02:03', '--:--', '--:--']);
  });

  it('counts with separators, numbers with 4 decimals or exponents', () => {
    expect(formatCount(12345.6)).toBe('12,346');
    expect(formatCount(Infinity)).toBe('?');
    expect([formatNumber(0.12345), formatNumber(0), formatNumber(2e-5), formatNumber(3e7), formatNumber(NaN)]).toEqual(['0.1235', '0.0000', '2.000e-5', '3.000e+7', 'NaN']);
  });

  it('a bar fills in proportion, clamped', () => {
    expect(progressBar(0.5, 10)).toBe('[█████·····]');
    expect(progressBar(2, 4)).toBe('[████]');
    expect(progressBar(NaN, 3)).toBe('[···]');
  });

  it('the live line has the epoch, the bar, samples/s, the ETA and the running loss, and never wraps', () => {
    const status = { epoch: 2, epochs: 10, batchesDone: 50, batches: 200, samplesDone: 12800, seconds: 2, runningLoss: 0.345678 };
    expect(formatLiveLine(status, 200)).toBe(`epoch 3/10 ${progressBar(0.25, 24)} 50/200  6,400 samples/s  ETA 0:06  loss 0.3457`);
    expect(formatLiveLine(status, 40)).toHaveLength(39);
    expect(formatLiveLine({ ...status, batchesDone: 0, samplesDone: 0, seconds: 0, runningLoss: NaN, epochs: undefined }, 200)).toMatch(/^epoch 3 \[·+\] 0\/200 {2}\? samples\/s {2}ETA --:-- {2}loss NaN$/);
  });

  it('the epoch line names every metric in snake_case and the speed when known', () => {
    expect(formatEpochLine({ epoch: 0, epochs: 3, loss: 0.5, seconds: 2, samples: 1000, metrics: { trainAccuracy: 0.9, testAccuracy: 0.85 } })).toBe(
      'epoch 1/3  loss 0.5000  train_accuracy 0.9000  test_accuracy 0.8500  (2.00 s, 500 samples/s)',
    );
    expect(formatEpochLine({ epoch: 4, loss: 0.25 })).toBe('epoch 5  loss 0.2500');
  });

  it('the JSON object is flat, 0-based, with null for non-finite numbers and metrics that cannot overwrite fields', () => {
    const parsed = JSON.parse(epochJson({ epoch: 0, epochs: 2, loss: NaN, seconds: 4, samples: 100, metrics: { testAccuracy: 0.5, loss: 99, bad: Infinity } }));
    expect(parsed).toEqual({ event: 'epoch', epoch: 0, epochs: 2, loss: null, seconds: 4, samples: 100, samplesPerSecond: 25, testAccuracy: 0.5, bad: null });
    expect(epochJson({ epoch: 1, loss: 1 })).toBe('{"event":"epoch","epoch":1,"loss":1}');
  });
});
