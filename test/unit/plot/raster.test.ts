import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { canRenderText, grayscalePng, svgDocument, svgToPng, element, text, FONT_FAMILY } from '../../../src/plot/index.js';
import { decodePng, inkIn, pixel } from './support.js';

describe('svgToPng', () => {
  it('rasterises at the document size, or scaled', () => {
    const svg = svgDocument(120, 80, [element('rect', { x: 10, y: 10, width: 20, height: 20, fill: '#000000' })]);
    const one = decodePng(svgToPng(svg));
    expect([one.width, one.height]).toEqual([120, 80]);
    expect(pixel(one, 20, 20)).toEqual([0, 0, 0, 255]);
    expect(pixel(one, 60, 60)).toEqual([255, 255, 255, 255]);
    const two = decodePng(svgToPng(svg, { scale: 2 }));
    expect([two.width, two.height]).toEqual([240, 160]);
    expect(pixel(two, 40, 40)).toEqual([0, 0, 0, 255]);
  });

  it('refuses a malformed document and a bad scale with an InvalidArgumentError', () => {
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect')).toThrow(InvalidArgumentError);
    expect(() => svgToPng('not svg at all')).toThrow(/svgToPng: expected a well-formed SVG document/);
    expect(() => svgToPng(svgDocument(10, 10, []), { scale: 0 })).toThrow(/svgToPng: expected scale in \(0, 16\], got 0/);
  });

  // Text in PNGs needs a font on the machine: Debian's fonts-dejavu-core (DejaVu Sans).
  it('renders text (needs DejaVu Sans: apt-get install fonts-dejavu-core)', () => {
    expect(canRenderText(), 'no system font renders text; install fonts-dejavu-core').toBe(true);
    const svg = svgDocument(200, 40, [element('text', { x: 5, y: 28, 'font-family': FONT_FAMILY, 'font-size': 20 }, [text('Pred:7, Label:7')])]);
    expect(inkIn(decodePng(svgToPng(svg)), 0, 0, 200, 40)).toBeGreaterThan(100);
  });

  it('tells when no font is available: text then draws nothing', () => {
    expect(canRenderText({ system: false })).toBe(false);
  });
});

describe('grayscalePng', () => {
  it('encodes values in [0, 1] as 8-bit grey, clamped, NaN as black, and inverted on request', () => {
    const values = [0, 0.5, 1, 2, -1, NaN];
    const image = decodePng(grayscalePng(values, 3, 2));
    expect([image.width, image.height]).toEqual([3, 2]);
    expect([0, 1, 2, 3, 4, 5].map((i) => pixel(image, i % 3, Math.floor(i / 3))[0])).toEqual([0, 128, 255, 255, 0, 0]);
    const inverted = decodePng(grayscalePng([0, 1], 2, 1, { invert: true }));
    expect([pixel(inverted, 0, 0)[0], pixel(inverted, 1, 0)[0]]).toEqual([255, 0]);
  });

  it('refuses a size that does not match the values', () => {
    expect(() => grayscalePng([0, 1, 0], 2, 2)).toThrow(/grayscalePng: expected 2 × 2 = 4 values, got 3/);
    expect(() => grayscalePng([], 0, 1)).toThrow(/positive integer width and height/);
  });
});
