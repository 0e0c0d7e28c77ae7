/**
 * Pictures of training as values: pure functions that return SVG documents (strings) or PNG
 * bytes (Uint8Array), never touching the file system — the caller decides where they go. Charts
 * are laid out with d3-scale / d3-shape, rasterised by resvg and encoded by pngjs.
 *
 * @example
 * const svg = trainingCurvesSvg({ epochs: [1, 2, 3], loss: { train: [0.5, 0.3, 0.2] } });
 * const png = svgToPng(svg);       // Uint8Array, 560 × 380 pixels
 */
export { escapeXml, element, text, svgDocument, type Attributes, type AttributeValue } from './svg.js';
export { FONT_FAMILY, DEFAULT_FONT, PALETTE, ALERT, seriesColor } from './theme.js';
export {
  chartSvg,
  chartGroup,
  panelsSvg,
  type ChartSpec,
  type ChartLayer,
  type LineLayer,
  type PointsLayer,
  type BandLayer,
  type LegendPosition,
  type PanelsOptions,
  type Values,
} from './chart.js';
export { trainingCurvesSvg, trainingCurvesPng, trainingCurveCharts, type TrainingCurves } from './training-curves.js';
export { digitGridSvg, digitGridPng, digitGridSize, type DigitGridSpec } from './digit-grid.js';
export { svgToPng, canRenderText, grayscalePng, type RasterOptions, type FontOptions } from './raster.js';
export { sparkline, type SparklineOptions } from './sparkline.js';
