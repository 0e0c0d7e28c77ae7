/**
 * Loss (and accuracy) per epoch, the picture every training run is judged by: one panel for the
 * loss, one for the accuracy when there is any, each with a line per named series (train, test).
 *
 * @example
 * trainingCurvesSvg({ epochs: [1, 2, 3], loss: { train: [0.4, 0.2, 0.1], test: [0.3, 0.2, 0.15] }, accuracy: { test: [0.9, 0.94, 0.96] } });
 */
import { InvalidArgumentError } from '../core/errors.js';
import { panelsSvg, type ChartLayer, type ChartSpec, type Values } from './chart.js';
import { svgToPng, type RasterOptions } from './raster.js';
import { seriesColor } from './theme.js';

export interface TrainingCurves {
  /** The x values: epoch numbers (1-based reads best). */
  readonly epochs: Values;
  /** Series name → one loss per epoch, e.g. `{ train: [...], test: [...] }`. */
  readonly loss: Readonly<Record<string, Values>>;
  /** Series name → one accuracy in [0, 1] per epoch; omitted or empty: no accuracy panel. */
  readonly accuracy?: Readonly<Record<string, Values>>;
  /** A title over both panels. */
  readonly title?: string;
  /** Plot the loss on a log axis (default: when it spans more than a factor of 20). */
  readonly logLoss?: boolean;
  /** Size of each panel (default 560 × 380). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
}

/** A series keeps its colour and dash across panels: 'test' looks the same in loss and accuracy. */
const seriesLayers = (epochs: Values, series: Readonly<Record<string, Values>>, what: string, names: readonly string[]): ChartLayer[] =>
  Object.entries(series).map(([name, values]): ChartLayer => {
    if (values.length !== epochs.length) {
      throw new InvalidArgumentError('trainingCurves', `expected ${what} series '${name}' to have one value per epoch (${epochs.length}), got ${values.length}`);
    }
    const index = names.indexOf(name);
    return { kind: 'line', x: epochs, y: values, label: name, color: seriesColor(index), dashed: index > 0, markers: epochs.length <= 30 };
  });

const spansDecades = (series: Readonly<Record<string, Values>>): boolean => {
  const positive = Object.values(series).flatMap((values) => Array.from(values).filter((v) => Number.isFinite(v) && v > 0));
  return positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 20;
};

/** The panel specs (exported for callers that compose their own figures). */
export const trainingCurveCharts = (curves: TrainingCurves): ChartSpec[] => {
  const { epochs, loss, accuracy = {}, panelWidth = 560, panelHeight = 380 } = curves;
  if (Object.keys(loss).length === 0) throw new InvalidArgumentError('trainingCurves', 'expected at least one loss series, got none');
  const log = curves.logLoss ?? spansDecades(loss);
  const names = [...new Set([...Object.keys(loss), ...Object.keys(accuracy)])];
  const charts: ChartSpec[] = [
    { title: 'Loss', xLabel: 'epoch', xTicks: 'integer', yLabel: log ? 'loss (log scale)' : 'loss', yScale: log ? 'log' : 'linear', layers: seriesLayers(epochs, loss, 'loss', names), width: panelWidth, height: panelHeight },
  ];
  if (Object.keys(accuracy).length > 0) {
    charts.push({ title: 'Accuracy', xLabel: 'epoch', xTicks: 'integer', yLabel: 'accuracy', layers: seriesLayers(epochs, accuracy, 'accuracy', names), legend: 'bottom-right', width: panelWidth, height: panelHeight });
  }
  return charts;
};

/** Loss and accuracy panels side by side as one SVG document. */
export const trainingCurvesSvg = (curves: TrainingCurves): string =>
  panelsSvg(trainingCurveCharts(curves), curves.title === undefined ? {} : { title: curves.title });

/** The same figure as PNG bytes. */
export const trainingCurvesPng = (curves: TrainingCurves, options: RasterOptions = {}): Uint8Array => svgToPng(trainingCurvesSvg(curves), options);
