/**
 * SVG as strings: a picture is a value, built by pure functions and serialised once. `element`
 * escapes every attribute and text, so data (labels, titles) can never break the document, and
 * numbers are written with a fixed number of decimals so the same data gives the same bytes.
 */

/** An attribute value; `undefined` leaves the attribute out. */
export type AttributeValue = string | number | undefined;
export type Attributes = Readonly<Record<string, AttributeValue>>;

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes the five XML special characters. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** A coordinate or length with at most 2 decimals (sub-pixel enough, and stable across runs). */
export const num = (value: number): string => {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
};

const attributeText = (attributes: Attributes): string =>
  Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(typeof value === 'number' ? num(value) : value)}"`)
    .join('');

/**
 * `<tag attrs>children</tag>`, or `<tag attrs/>` without children. Children are SVG strings
 * already (from `element` or `text`); plain text must go through `text`.
 */
export const element = (tag: string, attributes: Attributes = {}, children: readonly string[] = []): string =>
  children.length === 0 ? `<${tag}${attributeText(attributes)}/>` : `<${tag}${attributeText(attributes)}>${children.join('')}</${tag}>`;

/** Character data for inside an element, escaped. */
export const text = (content: string): string => escapeXml(content);

/** A standalone SVG document of `width` × `height` user units (= pixels at zoom 1), on a white background. */
export const svgDocument = (width: number, height: number, body: readonly string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${element(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${num(width)} ${num(height)}` },
    [element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }), ...body],
  )}\n`;

/** `translate(x, y)` for a group. */
export const translate = (x: number, y: number): string => `translate(${num(x)},${num(y)})`;
