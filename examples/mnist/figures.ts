/**
 * The run's pictures as values (written by the caller with `saveFigures`): loss and accuracy
 * per epoch, train and test, and the lecture's 5 × 5 grid of the first test digits titled
 * `Pred:k, Label:j` with the mistakes in red, predicted by the final parameters.
 */
import type { Figure } from '../../src/cli/figures.js';
import { digitGridSvg, trainingCurvesSvg } from '../../src/plot/index.js';
import type { MnistReport } from './run.js';

const GRID = 5;

/** `cpu`, `gpujs (webgpu)`: the backend as a title shows it. */
const shortBackend = (description: string): string => {
  const [name = description, details = ''] = description.split(/ \((.*)\)$/);
  return name === 'gpujs' ? `gpujs ${details.split(',')[0]}` : name;
};

/**
 * Loss and accuracy curves from the parameters training started from (epoch `startEpoch`: 0, or
 * the checkpoint's) to the end of each epoch; undefined when no epoch ran.
 */
export const curvesFigure = (report: MnistReport): Figure | undefined => {
  if (report.epochs.length === 0) return undefined;
  const points = [report.initial, ...report.epochs];
  const series = (field: keyof MnistReport['initial']): number[] => points.map((p) => p[field]);
  return {
    name: 'mnist-curves',
    svg: trainingCurvesSvg({
      title: `MNIST 784-${report.hidden}-10 MLP (${shortBackend(report.backend)})`,
      epochs: [report.startEpoch ?? 0, ...report.epochs.map((e) => e.epoch + 1)],
      loss: { train: series('trainLoss'), test: series('testLoss') },
      accuracy: { train: series('trainAccuracy'), test: series('testAccuracy') },
    }),
  };
};

/** The first test digits in a grid of up to 5 × 5 (fewer rows when the test set is smaller). */
export const digitsFigure = (report: MnistReport): Figure | undefined => {
  const { preview } = report;
  const count = preview.labels.length;
  if (count === 0) return undefined;
  const cols = Math.min(GRID, count);
  const rows = Math.min(GRID, Math.floor(count / cols));
  return {
    name: 'mnist-digits',
    svg: digitGridSvg({ images: Float32Array.from(preview.images), labels: preview.labels, predictions: preview.predictions, rows, cols }),
  };
};

/** Every figure the report can draw, in the order they are written. */
export const mnistFigures = (report: MnistReport): readonly Figure[] =>
  [curvesFigure(report), digitsFigure(report)].filter((figure): figure is Figure => figure !== undefined);
