/**
 * Pictures as PNG bytes. SVG is rasterised by resvg (`@resvg/resvg-js`, a Rust renderer shipped
 * as a prebuilt binary inside its npm package); raw pixels are encoded by `pngjs`. Text needs a
 * font: resvg reads the system's fonts (on Debian, `fonts-dejavu-core` gives DejaVu Sans) or the
 * font files given here. Without any font, resvg silently drops text — `canRenderText` tells.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import pngjs from 'pngjs';
import { InvalidArgumentError } from '../core/errors.js';
import { DEFAULT_FONT, FONT_FAMILY } from './theme.js';

export interface FontOptions {
  /** Font files (.ttf / .otf) to load, e.g. `/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`. */
  readonly files?: readonly string[];
  /** Directories of font files to load. */
  readonly dirs?: readonly string[];
  /** Also load the system's fonts (default true). */
  readonly system?: boolean;
  /** The family used when a `<text>` names none that is found (default 'DejaVu Sans'). */
  readonly family?: string;
}

export interface RasterOptions {
  /** Pixels per SVG unit (default 1: a 640 × 420 chart becomes a 640 × 420 PNG). */
  readonly scale?: number;
  readonly fonts?: FontOptions;
}

const resvgOptions = (options: RasterOptions): ResvgRenderOptions => {
  const { scale = 1, fonts = {} } = options;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 16)) throw new InvalidArgumentError('svgToPng', `expected scale in (0, 16], got ${scale}`);
  const family = fonts.family ?? DEFAULT_FONT;
  return {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: fonts.system ?? true,
      ...(fonts.files === undefined ? {} : { fontFiles: [...fonts.files] }),
      ...(fonts.dirs === undefined ? {} : { fontDirs: [...fonts.dirs] }),
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
    // Missing fonts are reported by canRenderText, not as log lines on stderr.
    logLevel: 'off',
  };
};

/**
 * Rasterises an SVG document to PNG bytes (RGBA, 8 bits), `width × scale` by `height × scale`
 * pixels. Throws an InvalidArgumentError naming svgToPng when the SVG does not parse.
 */
export const svgToPng = (svg: string, options: RasterOptions = {}): Uint8Array => {
  const resvgOpts = resvgOptions(options);
  let renderer: Resvg;
  try {
    renderer = new Resvg(svg, resvgOpts);
  } catch (error) {
    throw new InvalidArgumentError('svgToPng', `expected a well-formed SVG document, got one resvg refused: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new Uint8Array(renderer.render().asPng());
};

/**
 * True when text renders with these font options: draws a word and counts inked pixels. Call it
 * once before writing PNGs to warn the user that titles and labels would be missing.
 */
export const canRenderText = (fonts: FontOptions = {}): boolean => {
  const probe =
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><rect width="80" height="30" fill="#fff"/>' +
    `<text x="4" y="22" font-size="20" font-family="${FONT_FAMILY}" fill="#000">Ag8</text></svg>`;
  const image = new Resvg(probe, resvgOptions({ fonts })).render();
  const pixels = image.pixels;
  let inked = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) inked++;
  return inked > 20;
};

/**
 * An 8-bit grayscale PNG of `height × width` values in [0, 1] (row-major; 0 black, 1 white,
 * clamped). With `invert`, 1 is black (ink on paper).
 */
export const grayscalePng = (values: ArrayLike<number>, width: number, height: number, options: { readonly invert?: boolean } = {}): Uint8Array => {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new InvalidArgumentError('grayscalePng', `expected positive integer width and height, got ${width} × ${height}`);
  }
  if (values.length !== width * height) throw new InvalidArgumentError('grayscalePng', `expected ${width} × ${height} = ${width * height} values, got ${values.length}`);
  const image = new pngjs.PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i++) {
    const v = Number.isNaN(values[i]) ? 0 : Math.min(1, Math.max(0, values[i]));
    data[i] = Math.round((options.invert === true ? 1 - v : v) * 255);
  }
  image.data = data;
  return new Uint8Array(pngjs.PNG.sync.write(image, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
};
