import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { chartSvg, panelsSvg, svgToPng, type ChartSpec } from '../../../src/plot/index.js';
import { decodePng, inkIn, parseSvg, pixel } from './support.js';

const xs = Array.from({ length: 50 }, (_, i) => i / 10);
const spec: ChartSpec = {
  title: 'A chart',
  xLabel: 'x',
  yLabel: 'y',
  layers: [
    { kind: 'band', x: xs, lower: xs.map((x) => x - 1), upper: xs.map((x) => x + 1), label: 'band' },
    { kind: 'points', x: xs, y: xs.map((x) => x + Math.sin(7 * x) / 2), label: 'points' },
    { kind: 'line', x: xs, y: xs, label: 'line', dashed: true },
  ],
};

const count = (svg: string, pattern: RegExp): number => svg.match(pattern)?.length ?? 0;

describe('chartSvg', () => {
  it('is a well-formed SVG of the requested size with every layer drawn', () => {
    const svg = chartSvg({ ...spec, width: 500, height: 300 });
    const root = parseSvg(svg);
    expect([root.width, root.height]).toEqual([500, 300]);
    expect(count(svg, /<circle /g)).toBe(50 + 1); // 50 points and the legend's swatch
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>A chart</text>');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('defaults to 640 × 420 and rasterises to that many pixels, data drawn inside the frame', () => {
    const image = decodePng(svgToPng(chartSvg(spec)));
    expect([image.width, image.height]).toEqual([640, 420]);
    expect(pixel(image, 2, 2)).toEqual([255, 255, 255, 255]); // white background, opaque
    expect(inkIn(image, 80, 50, 620, 360)).toBeGreaterThan(500);
  });

  it('breaks a line at non-finite values instead of writing NaN', () => {
    const svg = chartSvg({ yScale: 'log', layers: [{ kind: 'line', x: [0, 1, 2, 3, 4], y: [1, 10, Infinity, NaN, 1e30] }] });
    parseSvg(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // Two runs of the line: M at the start and M again after the gap.
    const path = /<path d="([^"]+)" fill="none"/.exec(svg)?.[1] ?? '';
    expect(count(path, /M/g)).toBe(2);
  });

  it('labels a log axis in powers of ten, written out near 1 and as 1eK far away', () => {
    const svg = chartSvg({ yScale: 'log', layers: [{ kind: 'line', x: [0, 1, 2], y: [1e-8, 1, 1e30] }] });
    expect(svg).toMatch(/>1e30</);
    expect(svg).toMatch(/>1</);
    expect(svg).toMatch(/>1e-5</);
    expect(svg).not.toMatch(/e\+/);
  });

  it('takes given domains as they are and keeps integer x ticks when asked', () => {
    const svg = chartSvg({ xDomain: [1, 3], yDomain: [0, 1], xTicks: 'integer', layers: [{ kind: 'line', x: [1, 2, 3], y: [0.2, 0.5, 0.9] }] });
    const xLabels = [...svg.matchAll(/<g transform="translate\([\d.]+,\d+(?:\.\d+)?\)"><line y2="5"[^>]*\/><text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(xLabels).toEqual(['1', '2', '3']);
  });

  it('draws an empty chart with default axes', () => {
    parseSvg(chartSvg({ layers: [] }));
  });

  it('refuses mismatched layer lengths, bad domains and tiny sizes, naming the API', () => {
    expect(() => chartSvg({ layers: [{ kind: 'line', x: [1, 2], y: [1] }] })).toThrow(/chartSvg: expected layer 0 \(line\) to have x and y of the same length, got x 2 and y 1/);
    expect(() => chartSvg({ layers: [{ kind: 'band', x: [1], lower: [1], upper: [] }] })).toThrow(InvalidArgumentError);
    expect(() => chartSvg({ yScale: 'log', yDomain: [0, 1], layers: [] })).toThrow(/low > 0 \(log axis\)/);
    expect(() => chartSvg({ xDomain: [2, 1], layers: [] })).toThrow(/finite low < high/);
    expect(() => chartSvg({ width: 50, layers: [] })).toThrow(/at least 120 × 100/);
  });
});

describe('panelsSvg', () => {
  it('lays charts out in a grid of the largest cell, with unique clip ids', () => {
    const svg = panelsSvg([spec, spec, spec], { columns: 2, title: 'Three panels' });
    const root = parseSvg(svg);
    expect([root.width, root.height]).toEqual([2 * 640, 34 + 2 * 420]);
    const ids = [...svg.matchAll(/clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses no charts and a bad column count', () => {
    expect(() => panelsSvg([])).toThrow(/panelsSvg: expected at least one chart/);
    expect(() => panelsSvg([spec], { columns: 0 })).toThrow(/columns to be a positive integer, got 0/);
  });
});
