/**
 * Helpers for the picture tests: parse an SVG as XML and read its root size, decode a PNG back
 * into pixels (pngjs), and read one pixel.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import pngjs from 'pngjs';
import { expect } from 'vitest';

export interface SvgRoot {
  readonly width: number;
  readonly height: number;
  readonly viewBox: string;
  readonly document: Record<string, unknown>;
}

/** Fails the test unless `svg` is well-formed XML with an <svg> root; returns the root's size. */
export const parseSvg = (svg: string): SvgRoot => {
  const valid = XMLValidator.validate(svg);
  expect(valid, typeof valid === 'object' ? JSON.stringify(valid.err) : '').toBe(true);
  const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(svg) as Record<string, unknown>;
  const root = document.svg as Record<string, string> | undefined;
  expect(root, 'an <svg> root element').toBeDefined();
  expect(root?.['@xmlns']).toBe('http://www.w3.org/2000/svg');
  return { width: Number(root?.['@width']), height: Number(root?.['@height']), viewBox: String(root?.['@viewBox']), document };
};

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel. */
  readonly data: Uint8Array;
}

/** Decodes PNG bytes (throws on a malformed file) into RGBA pixels. */
export const decodePng = (bytes: Uint8Array): DecodedPng => {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const image = pngjs.PNG.sync.read(Buffer.from(bytes));
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
};

export const pixel = (image: DecodedPng, x: number, y: number): readonly [number, number, number, number] => {
  const i = 4 * (y * image.width + x);
  return [image.data[i], image.data[i + 1], image.data[i + 2], image.data[i + 3]];
};

/** Pixels darker than mid-grey in a rectangle. */
export const inkIn = (image: DecodedPng, x0: number, y0: number, x1: number, y1: number): number => {
  let count = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixel(image, x, y)[0] < 128) count++;
  return count;
};
