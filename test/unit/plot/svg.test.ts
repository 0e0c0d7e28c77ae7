import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { element, escapeXml, num, svgDocument, text } from '../../../src/plot/svg.js';
import { parseSvg } from './support.js';

describe('svg strings', () => {
  it('escapes the five XML specials in text and attributes', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
    expect(element('text', { 'data-label': 'a"b<c' }, [text('1 < 2 & 3 > 2')])).toBe('<text data-label="a&quot;b&lt;c">1 &lt; 2 &amp; 3 &gt; 2</text>');
  });

  it('leaves out undefined attributes and self-closes empty elements', () => {
    expect(element('rect', { x: 1, y: undefined, fill: 'red' })).toBe('<rect x="1" fill="red"/>');
  });

  it('writes numbers with at most two decimals and no negative zero', () => {
    expect(num(1.23456)).toBe('1.23');
    expect(num(-0.001)).toBe('0');
    expect(num(640)).toBe('640');
  });

  it('any text survives a round trip through a document (property)', () => {
    // Characters XML 1.0 allows: tab, newline, and everything from space up, minus surrogates.
    const xmlChar = fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: xmlChar, maxLength: 40 }), (content) => {
        const svg = svgDocument(100, 50, [element('text', { id: 't', 'data-copy': content }, [text(content)])]);
        const { document } = parseSvg(svg);
        const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', trimValues: false, parseTagValue: false, processEntities: true }).parse(svg) as {
          svg: { text: { '#text'?: string; '@data-copy': string } };
        };
        expect(document).toBeDefined();
        expect(parsed.svg.text['#text'] ?? '').toBe(content);
        expect(parsed.svg.text['@data-copy']).toBe(content);
      }),
      { numRuns: 200 },
    );
  });

  it('a document declares its size in pixels and a matching viewBox', () => {
    const root = parseSvg(svgDocument(320, 200, []));
    expect([root.width, root.height, root.viewBox]).toEqual([320, 200, '0 0 320 200']);
  });
});
