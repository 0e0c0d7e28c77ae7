/**
 * The regression example's pictures as SVG documents: the data with the true and fitted lines,
 * the two step sizes' loss curves (one converging, one diverging), the MLP's loss per epoch, and
 * the MLP's test predictions against the targets.
 */
import { chartSvg, panelsSvg, trainingCurvesSvg, type ChartSpec } from '../../src/plot/index.js';
import type { Figure } from '../../src/cli/figures.js';
import { LINE_X_RANGE, TRUE_B, TRUE_W, type XY } from './data.js';
import type { LineRun } from './line.js';
import type { MlpRun } from './mlp.js';

const fixed = (x: number): string => x.toFixed(3);

export const lineFigure = (data: XY, run: LineRun): Figure => {
  const xs = [...LINE_X_RANGE];
  return {
    name: 'regression-line',
    svg: chartSvg({
      title: `y = w·x + b by gradient descent: w = ${fixed(run.w)}, b = ${fixed(run.b)} (true ${TRUE_W}, ${TRUE_B})`,
      xLabel: 'x',
      yLabel: 'y',
      legend: 'top-left',
      width: 720,
      height: 460,
      layers: [
        { kind: 'points', x: data.x, y: data.y, label: `data (${data.size} points)` },
        { kind: 'line', x: xs, y: xs.map((x) => TRUE_W * x + TRUE_B), label: `true: y = ${TRUE_W}x + ${TRUE_B}`, color: '#000000', dashed: true },
        { kind: 'line', x: xs, y: xs.map((x) => run.w * x + run.b), label: `fitted: y = ${fixed(run.w)}x + ${fixed(run.b)}`, color: '#D55E00', strokeWidth: 2.5 },
      ],
    }),
  };
};

export const divergenceFigure = (stable: LineRun, diverging: LineRun): Figure => {
  const steps = (run: LineRun) => run.losses.map((_, i) => i);
  return {
    name: 'regression-step-size',
    svg: chartSvg({
      title: 'MSE per gradient-descent step: a good and a too-large step size',
      xLabel: 'step',
      yLabel: 'MSE (log scale)',
      yScale: 'log',
      width: 720,
      height: 460,
      legend: 'top-left',
      layers: [
        { kind: 'line', x: steps(stable), y: stable.losses, label: `lr ${stable.lr}: converges` },
        { kind: 'line', x: steps(diverging), y: diverging.losses, label: `lr ${diverging.lr}: diverges`, color: '#D00000' },
      ],
    }),
  };
};

export const mlpLossFigure = (run: MlpRun): Figure => ({
  name: 'regression-mlp-loss',
  svg: trainingCurvesSvg({
    title: 'MLP 3 → 32 → 2: MSE per epoch',
    epochs: run.epochs.map((e) => e.epoch),
    loss: { train: run.epochs.map((e) => e.trainLoss), test: run.epochs.map((e) => e.testLoss) },
  }),
});

/** Predicted against true target, one panel per output; points on the diagonal are perfect. */
export const mlpFitFigure = (test: XY, run: MlpRun): Figure => {
  const panel = (output: number): ChartSpec => {
    const truth = Float32Array.from({ length: test.size }, (_, i) => test.y[2 * i + output]);
    const predicted = Float32Array.from({ length: test.size }, (_, i) => run.predictions[2 * i + output]);
    const lo = Math.min(...truth, ...predicted);
    const hi = Math.max(...truth, ...predicted);
    return {
      title: `output y${output + 1}`,
      xLabel: 'target (test set)',
      yLabel: 'prediction',
      width: 460,
      height: 440,
      legend: 'top-left',
      layers: [
        { kind: 'line', x: [lo, hi], y: [lo, hi], label: 'perfect', color: '#000000', dashed: true, strokeWidth: 1.5 },
        { kind: 'points', x: truth, y: predicted, label: `${test.size} test examples`, radius: 2.4 },
      ],
    };
  };
  return { name: 'regression-mlp-fit', svg: panelsSvg([panel(0), panel(1)], { title: 'MLP predictions against targets' }) };
};
