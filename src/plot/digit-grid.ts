/**
 * The lecture's picture of a classifier at work: a rows × cols grid of test images, each titled
 * `Pred:k, Label:j`, with mistakes marked in red (title and frame). Each image is embedded as a
 * small grayscale PNG and scaled up without smoothing, so every pixel stays a crisp square.
 *
 * @example
 * const png = digitGridPng({ images: test.images, predictions, labels: test.labels }); // first 25 of [N, 784]
 */
import { InvalidArgumentError } from '../core/errors.js';
import { grayscalePng, svgToPng, type RasterOptions } from './raster.js';
import { element, svgDocument, text, translate } from './svg.js';
import { ALERT, FONT_FAMILY, LABEL_SIZE, TEXT_COLOR, TITLE_SIZE } from './theme.js';

export interface DigitGridSpec {
  /** Row-major [N, height × width] pixel values in [0, 1] (MNIST as loaded: pixel / 255). */
  readonly images: Float32Array | Float64Array;
  /** Predicted class of each image, [≥ count]. */
  readonly predictions: ArrayLike<number>;
  /** True class of each image, [≥ count]. */
  readonly labels: ArrayLike<number>;
  /** [height, width] of one image; default [28, 28]. */
  readonly imageShape?: readonly [number, number];
  /** Default 5 × 5, the lecture's grid. */
  readonly rows?: number;
  readonly cols?: number;
  /** First image shown (default 0). */
  readonly start?: number;
  /** Screen pixels per image pixel (default 4: a 28 × 28 digit is 112 × 112). */
  readonly pixelScale?: number;
  /** 'white-on-black' (default, matplotlib's gray colormap) or 'black-on-white'. */
  readonly ink?: 'white-on-black' | 'black-on-white';
  /** Title over the grid; default "k of n correct". */
  readonly title?: string;
}

const API = 'digitGrid';
const PAD = 10;
const CAPTION = 20;
const HEADER = 36;

const positiveInteger = (name: string, value: number): void => {
  if (!(Number.isInteger(value) && value > 0)) throw new InvalidArgumentError(API, `expected ${name} to be a positive integer, got ${value}`);
};

/** The grid's pixel size for a spec (what `digitGridPng` produces at scale 1). */
export const digitGridSize = (spec: Pick<DigitGridSpec, 'imageShape' | 'rows' | 'cols' | 'pixelScale'>): { readonly width: number; readonly height: number } => {
  const [h, w] = spec.imageShape ?? [28, 28];
  const scale = spec.pixelScale ?? 4;
  const cellWidth = w * scale + 2 * PAD;
  const cellHeight = h * scale + CAPTION + PAD;
  return { width: (spec.cols ?? 5) * cellWidth, height: HEADER + (spec.rows ?? 5) * cellHeight };
};

/** The grid as an SVG document (images embedded as PNG data URIs). */
export const digitGridSvg = (spec: DigitGridSpec): string => {
  const { images, predictions, labels, imageShape = [28, 28], rows = 5, cols = 5, start = 0, pixelScale = 4, ink = 'white-on-black' } = spec;
  const [h, w] = imageShape;
  [['imageShape[0]', h], ['imageShape[1]', w], ['rows', rows], ['cols', cols], ['pixelScale', pixelScale]].forEach(([n, v]) => positiveInteger(n as string, v as number));
  if (!(Number.isInteger(start) && start >= 0)) throw new InvalidArgumentError(API, `expected start to be a non-negative integer, got ${start}`);
  const pixels = h * w;
  if (images.length % pixels !== 0) {
    throw new InvalidArgumentError(API, `expected images as [N, ${pixels}] (imageShape [${h}, ${w}]), got ${images.length} values, not a multiple of ${pixels}`);
  }
  const available = images.length / pixels;
  const count = rows * cols;
  if (start + count > available) throw new InvalidArgumentError(API, `expected at least ${start + count} images for a ${rows} × ${cols} grid from ${start}, got ${available}`);
  if (predictions.length < start + count || labels.length < start + count) {
    throw new InvalidArgumentError(API, `expected at least ${start + count} predictions and labels, got ${predictions.length} predictions and ${labels.length} labels`);
  }

  const { width, height } = digitGridSize({ imageShape, rows, cols, pixelScale });
  const cellWidth = w * pixelScale + 2 * PAD;
  const cellHeight = h * pixelScale + CAPTION + PAD;
  let correct = 0;
  const cells = Array.from({ length: count }, (_, i) => {
    const index = start + i;
    const predicted = predictions[index];
    const label = labels[index];
    const right = predicted === label;
    if (right) correct++;
    const png = grayscalePng(images.subarray(index * pixels, (index + 1) * pixels), w, h, { invert: ink === 'black-on-white' });
    const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    const color = right ? TEXT_COLOR : ALERT;
    return element('g', { transform: translate((i % cols) * cellWidth + PAD, HEADER + Math.floor(i / cols) * cellHeight) }, [
      element(
        'text',
        { x: (w * pixelScale) / 2, y: 14, 'text-anchor': 'middle', 'font-family': FONT_FAMILY, 'font-size': LABEL_SIZE, fill: color, 'font-weight': right ? undefined : 'bold' },
        [text(`Pred:${predicted}, Label:${label}`)],
      ),
      element('image', {
        x: 0,
        y: CAPTION,
        width: w * pixelScale,
        height: h * pixelScale,
        preserveAspectRatio: 'none',
        // optimizeSpeed: nearest-neighbour in resvg, crisp-edges in browsers (CSS Images 3). A CSS
        // 'pixelated' here would override it in resvg, which does not know that value, and blur.
        'image-rendering': 'optimizeSpeed',
        href,
      }),
      ...(right ? [] : [element('rect', { x: -2, y: CAPTION - 2, width: w * pixelScale + 4, height: h * pixelScale + 4, fill: 'none', stroke: ALERT, 'stroke-width': 3 })]),
    ]);
  });
  const title = spec.title ?? `${correct} of ${count} correct${correct === count ? '' : ' (mistakes in red)'}`;
  return svgDocument(width, height, [
    element('text', { x: width / 2, y: 24, 'text-anchor': 'middle', 'font-family': FONT_FAMILY, 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: TEXT_COLOR }, [text(title)]),
    ...cells,
  ]);
};

/** The grid as PNG bytes, `digitGridSize(spec)` × `options.scale` pixels. */
export const digitGridPng = (spec: DigitGridSpec, options: RasterOptions = {}): Uint8Array => svgToPng(digitGridSvg(spec), options);
