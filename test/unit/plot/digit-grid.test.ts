import { describe, expect, it } from 'vitest';
import { digitGridPng, digitGridSize, digitGridSvg } from '../../../src/plot/index.js';
import { decodePng, inkIn, parseSvg, pixel } from './support.js';

/** 25 blank 28 × 28 images; image i has one lit pixel at (row i, column 27 - i). */
const images = new Float32Array(25 * 784);
for (let i = 0; i < 25; i++) images[i * 784 + i * 28 + (27 - i)] = 1;
const labels = Int32Array.from({ length: 25 }, (_, i) => i % 10);
const predictions = Int32Array.from(labels, (l, i) => (i === 3 || i === 17 ? (l + 1) % 10 : l));

describe('digitGrid', () => {
  it("is the lecture's 5 × 5 grid: 25 titles 'Pred:k, Label:j', mistakes framed in red", () => {
    const svg = digitGridSvg({ images, predictions, labels });
    const root = parseSvg(svg);
    const size = digitGridSize({});
    expect([root.width, root.height]).toEqual([size.width, size.height]);
    const titles = [...svg.matchAll(/>(Pred:\d, Label:\d)</g)].map((m) => m[1]);
    expect(titles).toHaveLength(25);
    expect(titles[3]).toBe('Pred:4, Label:3');
    expect(titles[0]).toBe('Pred:0, Label:0');
    expect(svg.match(/<rect [^>]*stroke="#D00000"/g)).toHaveLength(2);
    expect(svg).toContain('>23 of 25 correct (mistakes in red)<');
    expect(svg.match(/href="data:image\/png;base64,/g)).toHaveLength(25);
  });

  it('as a PNG of the grid size, each image pixel a crisp 4 × 4 block', () => {
    const image = decodePng(digitGridPng({ images, predictions, labels }));
    const size = digitGridSize({});
    expect([image.width, image.height]).toEqual([size.width, size.height]);
    // Cell (0, 0) starts at x = 10, y = 36 + 20; image 0's lit pixel is row 0, column 27.
    const [x0, y0] = [10 + 27 * 4, 56];
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) expect(pixel(image, x0 + dx, y0 + dy)[0]).toBe(255);
    expect(pixel(image, x0 - 1, y0 + 1)[0]).toBe(0); // its neighbour stays black: no smoothing
    expect(pixel(image, x0 + 1, y0 + 5)[0]).toBe(0);
    // The titles are drawn (dark text on the white band above each image).
    expect(inkIn(image, 0, 36, size.width, 54)).toBeGreaterThan(500);
  });

  it('takes other shapes, grids, offsets and black-on-white ink', () => {
    const small = new Float32Array(6 * 4 * 3).fill(1);
    const svg = digitGridSvg({ images: small, predictions: [0, 1, 2, 3, 4, 5], labels: [0, 1, 2, 3, 4, 5], imageShape: [4, 3], rows: 2, cols: 2, start: 2, ink: 'black-on-white', pixelScale: 10 });
    expect(svg).toContain('>Pred:2, Label:2<');
    expect(svg).not.toContain('>Pred:1, Label:1<');
    const image = decodePng(digitGridPng({ images: small, predictions: [0, 1, 2, 3], labels: [0, 1, 2, 3], imageShape: [4, 3], rows: 2, cols: 2, ink: 'black-on-white', pixelScale: 10 }));
    expect([image.width, image.height]).toEqual([2 * (30 + 20), 36 + 2 * (40 + 30)]);
    expect(pixel(image, 15, 60)[0]).toBe(0); // ink 1 drawn black
  });

  it('refuses wrong sizes with messages that say what was expected', () => {
    expect(() => digitGridSvg({ images: new Float32Array(783), predictions, labels })).toThrow(/digitGrid: expected images as \[N, 784\].*783 values/);
    expect(() => digitGridSvg({ images: new Float32Array(24 * 784), predictions, labels })).toThrow(/at least 25 images for a 5 × 5 grid from 0, got 24/);
    expect(() => digitGridSvg({ images, predictions: predictions.subarray(0, 20), labels })).toThrow(/at least 25 predictions and labels, got 20 predictions/);
    expect(() => digitGridSvg({ images, predictions, labels, rows: 0 })).toThrow(/rows to be a positive integer, got 0/);
  });
});
