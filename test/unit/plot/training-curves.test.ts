import { describe, expect, it } from 'vitest';
import { sparkline, trainingCurveCharts, trainingCurvesPng, trainingCurvesSvg } from '../../../src/plot/index.js';
import { decodePng, parseSvg } from './support.js';

const epochs = [1, 2, 3, 4];

describe('trainingCurves', () => {
  it('loss and accuracy side by side, one line per series, as SVG and PNG of the same size', () => {
    const curves = { title: 'run', epochs, loss: { train: [1, 0.5, 0.3, 0.2], test: [0.9, 0.6, 0.4, 0.35] }, accuracy: { train: [0.8, 0.9, 0.93, 0.95], test: [0.8, 0.88, 0.9, 0.91] } };
    const svg = trainingCurvesSvg(curves);
    const root = parseSvg(svg);
    expect([root.width, root.height]).toEqual([2 * 560, 34 + 380]);
    expect(svg).toContain('>Loss<');
    expect(svg).toContain('>Accuracy<');
    expect(svg.match(/<path d="M[^"]*" fill="none" stroke="#[0-9A-F]{6}"/gi)).toHaveLength(4);
    // 'test' keeps its colour across the panels.
    const testColors = [...svg.matchAll(/stroke="(#[0-9A-F]{6})"[^>]*stroke-dasharray="7 5"/gi)].map((m) => m[1]);
    expect(new Set(testColors).size).toBe(1);
    const png = decodePng(trainingCurvesPng(curves));
    expect([png.width, png.height]).toEqual([root.width, root.height]);
  });

  it('a loss-only figure has one panel; a loss spanning decades goes on a log axis', () => {
    const charts = trainingCurveCharts({ epochs, loss: { train: [100, 10, 1, 0.1] } });
    expect(charts).toHaveLength(1);
    expect(charts[0].yScale).toBe('log');
    expect(trainingCurveCharts({ epochs, loss: { train: [1, 0.9, 0.8, 0.7] } })[0].yScale).toBe('linear');
    expect(trainingCurveCharts({ epochs, loss: { train: [100, 10, 1, 0.1] }, logLoss: false })[0].yScale).toBe('linear');
  });

  it('refuses a series of the wrong length and no loss at all', () => {
    expect(() => trainingCurvesSvg({ epochs, loss: { train: [1, 2] } })).toThrow(/trainingCurves: expected loss series 'train' to have one value per epoch \(4\), got 2/);
    expect(() => trainingCurvesSvg({ epochs, loss: {} })).toThrow(/at least one loss series/);
  });
});

describe('sparkline', () => {
  it('falls with a falling loss, one character per bucket, at most width', () => {
    const line = sparkline(Array.from({ length: 100 }, (_, i) => 10 * Math.exp(-i / 10)), { width: 20 });
    expect([...line]).toHaveLength(20);
    expect(line[0]).toBe('█');
    expect(line[line.length - 1]).toBe('▁');
    const levels = [...line].map((c) => '▁▂▃▄▅▆▇█'.indexOf(c));
    expect(levels.every((level, i) => i === 0 || level <= levels[i - 1])).toBe(true);
  });

  it('marks non-finite buckets, handles constants and empty input', () => {
    expect(sparkline([1, 10, 100, Infinity, NaN])).toBe('▁▅█!!');
    expect(sparkline([2, 2, 2])).toBe('▅▅▅');
    expect(sparkline([])).toBe('');
    expect(() => sparkline([1], { width: 0 })).toThrow(/sparkline: expected width to be a positive integer, got 0/);
  });
});
