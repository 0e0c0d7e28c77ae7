/**
 * A 2-D chart as an SVG value: axes with nice ticks (d3-scale), and layers drawn in order —
 * lines, point clouds and shaded bands (paths from d3-shape). Non-finite values (a diverging
 * loss) break a line instead of breaking the picture; on a log axis, so do values ≤ 0.
 *
 * @example
 * const svg = chartSvg({ title: 'Loss', xLabel: 'epoch', yScale: 'log', layers: [{ kind: 'line', x: epochs, y: losses, label: 'train' }] });
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { area, line } from 'd3-shape';
import { InvalidArgumentError } from '../core/errors.js';
import { element, num, svgDocument, text, translate } from './svg.js';
import { AXIS_COLOR, FONT_FAMILY, GRID_COLOR, LABEL_SIZE, seriesColor, TEXT_COLOR, TICK_SIZE, TITLE_SIZE } from './theme.js';

export type Values = ArrayLike<number>;

export interface LineLayer {
  readonly kind: 'line';
  readonly x: Values;
  readonly y: Values;
  readonly label?: string;
  readonly color?: string;
  readonly dashed?: boolean;
  readonly strokeWidth?: number;
  /** Draw a dot at every point too (useful for a few epochs). */
  readonly markers?: boolean;
}

export interface PointsLayer {
  readonly kind: 'points';
  readonly x: Values;
  readonly y: Values;
  readonly label?: string;
  readonly color?: string;
  readonly radius?: number;
  readonly opacity?: number;
}

/** The region between `lower` and `upper` over `x` (x sorted ascending). */
export interface BandLayer {
  readonly kind: 'band';
  readonly x: Values;
  readonly lower: Values;
  readonly upper: Values;
  readonly label?: string;
  readonly color?: string;
  readonly opacity?: number;
}

export type ChartLayer = LineLayer | PointsLayer | BandLayer;

export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface ChartSpec {
  readonly layers: readonly ChartLayer[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels; default 640 × 420. */
  readonly width?: number;
  readonly height?: number;
  /** Axis ranges; default: the data's finite range, padded and rounded to nice ticks. */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  readonly yScale?: 'linear' | 'log';
  /** 'integer' keeps only whole-number x ticks (epochs, steps); default 'auto'. */
  readonly xTicks?: 'auto' | 'integer';
  /** Default 'top-right' when any layer has a label. */
  readonly legend?: LegendPosition;
}

const API = 'chartSvg';
const MARGIN = { left: 66, right: 18, bottom: 50 } as const;

const checkLayer = (layer: ChartLayer, index: number): void => {
  const n = layer.x.length;
  const others = layer.kind === 'band' ? { lower: layer.lower, upper: layer.upper } : { y: layer.y };
  for (const [name, values] of Object.entries(others)) {
    if (values.length !== n) {
      throw new InvalidArgumentError(API, `expected layer ${index} (${layer.kind}) to have x and ${name} of the same length, got x ${n} and ${name} ${values.length}`);
    }
  }
};

const finiteRange = (arrays: readonly Values[], positiveOnly: boolean): [number, number] | undefined => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
};

/** The data range widened so that a constant series (or none) still has an axis. */
const domainOf = (range: [number, number] | undefined, log: boolean): [number, number] => {
  if (range === undefined) return log ? [1, 10] : [0, 1];
  const [lo, hi] = range;
  // A little air above and below, so that the extreme points do not sit on the frame.
  if (lo < hi && log) return [lo / (hi / lo) ** 0.03, hi * (hi / lo) ** 0.03];
  if (lo < hi) return [lo - (hi - lo) * 0.03, hi + (hi - lo) * 0.03];
  return log ? [lo / 10, hi * 10] : [lo - Math.max(1, Math.abs(lo) * 0.1), hi + Math.max(1, Math.abs(hi) * 0.1)];
};

const checkDomain = (name: string, domain: readonly [number, number], log: boolean): void => {
  const [lo, hi] = domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && (!log || lo > 0))) {
    throw new InvalidArgumentError(API, `expected ${name} as [low, high] with finite low < high${log ? ' and low > 0 (log axis)' : ''}, got [${lo}, ${hi}]`);
  }
};

/** Log-axis labels: 0.001 … 10000 written out, 1e-7 and 1e35 beyond; '' for ticks left unlabelled. */
const logTickFormat = (domain: [number, number], count: number): ((v: number) => string) => {
  const d3Format = scaleLog().domain(domain).tickFormat(count, '~g');
  return (v) => {
    const label = d3Format(v);
    if (label === '') return '';
    const exponent = Math.log10(v);
    return Number.isInteger(exponent) && (exponent < -3 || exponent > 4) ? `1e${exponent}` : label.replace('e+', 'e');
  };
};

const points = (x: Values, y: Values): [number, number][] => Array.from({ length: x.length }, (_, i) => [x[i], y[i]]);

const textAt = (x: number, y: number, content: string, attributes: Readonly<Record<string, string | number>> = {}): string =>
  element('text', { x, y, 'font-family': FONT_FAMILY, 'font-size': TICK_SIZE, fill: TEXT_COLOR, ...attributes }, [text(content)]);

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly defined: (x: number, y: number) => boolean;
}

const drawLayer = (layer: ChartLayer, index: number, frame: Frame): string => {
  const color = layer.color ?? seriesColor(index);
  if (layer.kind === 'band') {
    const path = area<[number, number, number]>()
      .defined(([x, lo, hi]) => frame.defined(x, lo) && frame.defined(x, hi))
      .x(([x]) => frame.x(x))
      .y0(([, lo]) => frame.y(lo))
      .y1(([, , hi]) => frame.y(hi))(Array.from({ length: layer.x.length }, (_, i) => [layer.x[i], layer.lower[i], layer.upper[i]]));
    return element('path', { d: path ?? '', fill: color, 'fill-opacity': layer.opacity ?? 0.22, stroke: 'none' });
  }
  if (layer.kind === 'points') {
    const r = layer.radius ?? 2.2;
    const dots = points(layer.x, layer.y)
      .filter(([x, y]) => frame.defined(x, y))
      .map(([x, y]) => element('circle', { cx: frame.x(x), cy: frame.y(y), r }));
    return element('g', { fill: color, 'fill-opacity': layer.opacity ?? 0.55, stroke: 'none' }, dots);
  }
  const data = points(layer.x, layer.y);
  const path = line<[number, number]>()
    .defined(([x, y]) => frame.defined(x, y))
    .x(([x]) => frame.x(x))
    .y(([, y]) => frame.y(y))(data);
  const stroke = element('path', {
    d: path ?? '',
    fill: 'none',
    stroke: color,
    'stroke-width': layer.strokeWidth ?? 2,
    'stroke-linejoin': 'round',
    'stroke-linecap': 'round',
    'stroke-dasharray': layer.dashed === true ? '7 5' : undefined,
  });
  if (layer.markers !== true) return stroke;
  const dots = data.filter(([x, y]) => frame.defined(x, y)).map(([x, y]) => element('circle', { cx: frame.x(x), cy: frame.y(y), r: 3 }));
  return element('g', {}, [stroke, element('g', { fill: color }, dots)]);
};

const legendSwatch = (layer: ChartLayer, color: string): string => {
  if (layer.kind === 'band') return element('rect', { x: 0, y: -6, width: 22, height: 12, fill: color, 'fill-opacity': layer.opacity ?? 0.22 });
  if (layer.kind === 'points') return element('circle', { cx: 11, cy: 0, r: 3.5, fill: color, 'fill-opacity': Math.max(layer.opacity ?? 0.55, 0.6) });
  return element('line', { x1: 0, y1: 0, x2: 22, y2: 0, stroke: color, 'stroke-width': layer.strokeWidth ?? 2, 'stroke-dasharray': layer.dashed === true ? '6 4' : undefined });
};

const drawLegend = (layers: readonly ChartLayer[], position: LegendPosition, plotWidth: number, plotHeight: number): string => {
  const entries = layers.map((layer, i) => ({ layer, color: layer.color ?? seriesColor(i) })).filter(({ layer }) => layer.label !== undefined);
  if (position === 'none' || entries.length === 0) return '';
  const rowHeight = 17;
  // DejaVu Sans averages about 0.6 em per character: wide enough without measuring text.
  const width = 36 + Math.max(...entries.map(({ layer }) => (layer.label ?? '').length)) * TICK_SIZE * 0.62;
  const height = entries.length * rowHeight + 8;
  const x = position.endsWith('right') ? plotWidth - width - 8 : 8;
  const y = position.startsWith('top') ? 8 : plotHeight - height - 8;
  const rows = entries.map(({ layer, color }, i) =>
    element('g', { transform: translate(6, 4 + rowHeight * i + rowHeight / 2) }, [legendSwatch(layer, color), textAt(28, 4, layer.label ?? '')]),
  );
  return element('g', { transform: translate(x, y) }, [
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff', 'fill-opacity': 0.85, stroke: '#cccccc', rx: 3 }),
    ...rows,
  ]);
};

/**
 * The chart as an SVG group `<g>` of `width` × `height` drawn at the origin; `id` makes its
 * clip-path id unique when several charts share a document.
 */
export const chartGroup = (spec: ChartSpec, id = 'chart'): string => {
  const { layers, title, xLabel, yLabel, width = 640, height = 420, yScale = 'linear' } = spec;
  const log = yScale === 'log';
  if (!(width >= 120 && height >= 100)) throw new InvalidArgumentError(API, `expected a chart of at least 120 × 100 pixels, got ${width} × ${height}`);
  layers.forEach(checkLayer);
  if (spec.xDomain !== undefined) checkDomain('xDomain', spec.xDomain, false);
  if (spec.yDomain !== undefined) checkDomain('yDomain', spec.yDomain, log);

  const top = title === undefined ? 14 : 38;
  const left = yLabel === undefined ? MARGIN.left - 16 : MARGIN.left;
  const plotWidth = width - left - MARGIN.right;
  const plotHeight = height - top - MARGIN.bottom;
  const xs = layers.map((layer) => layer.x);
  const ys = layers.flatMap((layer) => (layer.kind === 'band' ? [layer.lower, layer.upper] : [layer.y]));
  // x keeps the data's range (epochs 1..10 read best as such): no padding, only nice ticks.
  const xRange = finiteRange(xs, false);
  const xDomain = spec.xDomain ?? (xRange !== undefined && xRange[0] < xRange[1] ? xRange : domainOf(xRange, false));
  const yDomain = spec.yDomain ?? domainOf(finiteRange(ys, log), log);
  const xScale = scaleLinear().domain([...xDomain]).range([0, plotWidth]);
  const yScaleFn = log ? scaleLog().domain([...yDomain]).range([plotHeight, 0]) : scaleLinear().domain([...yDomain]).range([plotHeight, 0]);
  if (spec.xDomain === undefined) xScale.nice();
  if (spec.yDomain === undefined) yScaleFn.nice();

  const xTickCount = Math.max(2, Math.round(plotWidth / 90));
  const yTickCount = Math.max(2, Math.round(plotHeight / 55));
  const xTicks = xScale.ticks(xTickCount).filter((t) => spec.xTicks !== 'integer' || Number.isInteger(t));
  const xFormat = spec.xTicks === 'integer' ? (t: number) => String(t) : xScale.tickFormat(xTickCount);
  const yTicks = yScaleFn.ticks(yTickCount);
  // A log scale's formatter returns '' for the ticks it does not label (2..9 × 10^k when crowded).
  const yFormat = log ? logTickFormat(yScaleFn.domain() as [number, number], yTickCount) : yScaleFn.tickFormat(yTickCount);

  const frame: Frame = {
    width: plotWidth,
    height: plotHeight,
    x: (v) => xScale(v),
    y: (v) => yScaleFn(v),
    defined: (x, y) => Number.isFinite(x) && Number.isFinite(y) && (!log || y > 0),
  };
  // The clip leaves 4 px of slack so that markers on the frame are not cut in half.
  const clipId = `${id}-plot-area`;
  const grid = [
    ...xTicks.map((t) => element('line', { x1: xScale(t), x2: xScale(t), y1: 0, y2: plotHeight, stroke: GRID_COLOR })),
    ...yTicks.filter((t) => !log || yFormat(t) !== '').map((t) => element('line', { x1: 0, x2: plotWidth, y1: yScaleFn(t), y2: yScaleFn(t), stroke: GRID_COLOR })),
  ];
  const xAxis = xTicks.map((t) =>
    element('g', { transform: translate(xScale(t), plotHeight) }, [element('line', { y2: 5, stroke: AXIS_COLOR }), textAt(0, 18, xFormat(t), { 'text-anchor': 'middle' })]),
  );
  const yAxis = yTicks.map((t) => {
    const label = yFormat(t);
    return element('g', { transform: translate(0, yScaleFn(t)) }, [
      element('line', { x1: label === '' ? -3 : -5, x2: 0, stroke: AXIS_COLOR }),
      ...(label === '' ? [] : [textAt(-8, 4, label, { 'text-anchor': 'end' })]),
    ]);
  });
  const hasLabels = layers.some((layer) => layer.label !== undefined);
  const legend = drawLegend(layers, spec.legend ?? (hasLabels ? 'top-right' : 'none'), plotWidth, plotHeight);

  return element('g', {}, [
    ...(title === undefined ? [] : [textAt(width / 2, 24, title, { 'text-anchor': 'middle', 'font-size': TITLE_SIZE, 'font-weight': 'bold' })]),
    element('g', { transform: translate(left, top) }, [
      element('defs', {}, [element('clipPath', { id: clipId }, [element('rect', { x: -4, y: -4, width: plotWidth + 8, height: plotHeight + 8 })])]),
      ...grid,
      element('g', { 'clip-path': `url(#${clipId})` }, layers.map((layer, i) => drawLayer(layer, i, frame))),
      element('rect', { x: 0, y: 0, width: plotWidth, height: plotHeight, fill: 'none', stroke: AXIS_COLOR }),
      ...xAxis,
      ...yAxis,
      legend,
      ...(xLabel === undefined ? [] : [textAt(plotWidth / 2, plotHeight + 40, xLabel, { 'text-anchor': 'middle', 'font-size': LABEL_SIZE })]),
      ...(yLabel === undefined
        ? []
        : [textAt(0, 0, yLabel, { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, transform: `translate(${num(-left + 16)},${num(plotHeight / 2)}) rotate(-90)` })]),
    ]),
  ]);
};

/** A standalone SVG document of one chart (default 640 × 420 pixels). */
export const chartSvg = (spec: ChartSpec): string => svgDocument(spec.width ?? 640, spec.height ?? 420, [chartGroup(spec)]);

export interface PanelsOptions {
  /** Charts per row; default all in one row. */
  readonly columns?: number;
  /** A title over the whole figure. */
  readonly title?: string;
}

/**
 * Several charts in a grid (row-major), each at its own size within a cell as large as the
 * largest chart; the document is columns × rows cells (plus a title band).
 */
export const panelsSvg = (charts: readonly ChartSpec[], options: PanelsOptions = {}): string => {
  if (charts.length === 0) throw new InvalidArgumentError('panelsSvg', 'expected at least one chart, got none');
  const columns = options.columns ?? charts.length;
  if (!(Number.isInteger(columns) && columns >= 1)) throw new InvalidArgumentError('panelsSvg', `expected columns to be a positive integer, got ${columns}`);
  const cellWidth = Math.max(...charts.map((c) => c.width ?? 640));
  const cellHeight = Math.max(...charts.map((c) => c.height ?? 420));
  const rows = Math.ceil(charts.length / columns);
  const titleBand = options.title === undefined ? 0 : 34;
  const groups = charts.map((chart, i) =>
    element('g', { transform: translate((i % columns) * cellWidth, titleBand + Math.floor(i / columns) * cellHeight) }, [chartGroup(chart, `panel-${i}`)]),
  );
  const width = Math.min(columns, charts.length) * cellWidth;
  const title =
    options.title === undefined
      ? []
      : [textAt(width / 2, 24, options.title, { 'text-anchor': 'middle', 'font-size': TITLE_SIZE + 2, 'font-weight': 'bold' })];
  return svgDocument(width, titleBand + rows * cellHeight, [...title, ...groups]);
};
