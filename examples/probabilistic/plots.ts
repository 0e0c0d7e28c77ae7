/**
 * The probabilistic example's pictures as SVG documents: the data with the learned mean ± 2σ
 * band over the true one, the learned noise profile against the truth, the NLL per epoch, the
 * binary model's loss and accuracy curves, and its reliability diagram.
 */
import type { Figure } from '../../src/cli/figures.js';
import { chartSvg, trainingCurvesSvg } from '../../src/plot/index.js';
import { trueMean, trueStd, type Samples } from './data.js';
import type { GaussianPrediction } from './gaussian.js';
import type { BernoulliEpoch } from './bernoulli.js';
import type { ReliabilityBin } from './calibration.js';

export interface Grid {
  readonly x: Float32Array;
  readonly prediction: GaussianPrediction;
}

export const bandFigure = (train: Samples, grid: Grid, coverageRate: number): Figure => {
  const { x, prediction } = grid;
  const { mean, std } = prediction;
  return {
    name: 'gaussian-band',
    svg: chartSvg({
      title: `Learned mean ± 2σ: ${(100 * coverageRate).toFixed(1)}% of test targets inside (ideal 95.4%)`,
      xLabel: 'x',
      yLabel: 'y',
      width: 760,
      height: 480,
      legend: 'top-left',
      layers: [
        { kind: 'band', x, lower: mean.map((m, i) => m - 2 * std[i]), upper: mean.map((m, i) => m + 2 * std[i]), label: 'learned mean ± 2σ', color: '#0072B2', opacity: 0.25 },
        { kind: 'points', x: train.x, y: train.y, label: `training data (${train.size})`, color: '#555555', radius: 1.8, opacity: 0.45 },
        { kind: 'line', x, y: mean, label: 'learned mean', color: '#0072B2', strokeWidth: 2.5 },
        { kind: 'line', x, y: Array.from(x, trueMean), label: 'true mean', color: '#000000', dashed: true, strokeWidth: 1.5 },
        { kind: 'line', x, y: Array.from(x, (v) => trueMean(v) + 2 * trueStd(v)), label: 'true mean ± 2σ', color: '#D55E00', dashed: true, strokeWidth: 1.5 },
        { kind: 'line', x, y: Array.from(x, (v) => trueMean(v) - 2 * trueStd(v)), color: '#D55E00', dashed: true, strokeWidth: 1.5 },
      ],
    }),
  };
};

export const noiseFigure = (grid: Grid): Figure => ({
  name: 'gaussian-noise',
  svg: chartSvg({
    title: 'Noise profile: learned σ(x) against the true σ(x) = 0.05 + 0.15x',
    xLabel: 'x',
    yLabel: 'σ',
    width: 720,
    height: 440,
    legend: 'top-left',
    layers: [
      { kind: 'line', x: grid.x, y: Array.from(grid.x, trueStd), label: 'true σ', color: '#000000', dashed: true },
      { kind: 'line', x: grid.x, y: grid.prediction.std, label: 'learned σ', color: '#0072B2', strokeWidth: 2.5 },
    ],
  }),
});

export const nllFigure = (trainNll: readonly number[], testNll: readonly number[]): Figure => ({
  name: 'gaussian-nll',
  svg: trainingCurvesSvg({ title: 'Gaussian NLL per epoch (nats per point)', epochs: trainNll.map((_, i) => i + 1), loss: { train: trainNll, test: testNll }, logLoss: false }),
});

export const bernoulliCurvesFigure = (epochs: readonly BernoulliEpoch[]): Figure => ({
  name: 'bernoulli-curves',
  svg: trainingCurvesSvg({
    title: 'Bernoulli model: binary cross-entropy and accuracy per epoch',
    epochs: epochs.map((e) => e.epoch),
    loss: { train: epochs.map((e) => e.trainLoss), test: epochs.map((e) => e.testLoss) },
    accuracy: { test: epochs.map((e) => e.testAccuracy) },
    logLoss: false,
  }),
});

export const reliabilityFigure = (table: readonly ReliabilityBin[], ece: number): Figure => {
  const used = table.filter((bin) => bin.count > 0);
  return {
    name: 'bernoulli-reliability',
    svg: chartSvg({
      title: `Reliability diagram, test set (ECE ${ece.toFixed(3)})`,
      xLabel: 'mean predicted P(y = 1) in the bin',
      yLabel: 'observed frequency of y = 1',
      width: 620,
      height: 560,
      xDomain: [0, 1],
      yDomain: [0, 1],
      legend: 'top-left',
      layers: [
        { kind: 'line', x: [0, 1], y: [0, 1], label: 'perfect calibration', color: '#000000', dashed: true, strokeWidth: 1.5 },
        { kind: 'line', x: used.map((b) => b.predicted), y: used.map((b) => b.observed), label: 'model (10 bins)', markers: true },
      ],
    }),
  };
};
