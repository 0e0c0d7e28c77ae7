/**
 * The lecture's regression, end to end: (1) a line y = w x + b recovered by gradient descent on
 * MSE, (2) the same descent with too large a step, which diverges and says so, and (3) a
 * 3 → 32 → 2 MLP on a nonlinear map, with its loss curve. Returns every number it prints.
 */
import { cpuBackend, key, referenceBackend, split, type Backend } from '../../src/core/index.js';
import { saveFigures, type SavedFigures } from '../../src/cli/figures.js';
import { sparkline } from '../../src/plot/index.js';
import { LINE_NOISE, leastSquares, lineData, lineHessianMax, MLP_NOISE, mlpData, TRUE_B, TRUE_W } from './data.js';
import { fitLine, type LineRun } from './line.js';
import { fitMlp, type MlpEpoch } from './mlp.js';
import type { BackendChoice, RegressionOptions } from './options.js';
import { divergenceFigure, lineFigure, mlpFitFigure, mlpLossFigure } from './plots.js';

export interface RegressionReport {
  readonly backend: string;
  readonly line: LineRun & { readonly trueW: number; readonly trueB: number; readonly leastSquares: { readonly w: number; readonly b: number } };
  /** Gradient descent on the line's MSE is stable only for lr below this (2 / λmax of the Hessian). */
  readonly criticalLr: number;
  readonly diverging: LineRun;
  readonly mlp: {
    readonly epochs: readonly MlpEpoch[];
    /** Test MSE of predicting each output's training mean: what the MLP must beat. */
    readonly baselineMse: number;
    /** Test MSE of the trained MLP (last epoch). */
    readonly testMse: number;
    /** Coefficient of determination on the test set, per output. */
    readonly r2: readonly [number, number];
  };
  readonly plots?: SavedFigures;
}

export const makeBackend = (choice: BackendChoice): Backend => (choice === 'reference' ? referenceBackend() : cpuBackend());

const f4 = (x: number): string => (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(4));

/** Step indices worth printing: 0, a few in between, the last. */
const milestones = (count: number, wanted = 6): number[] => {
  const picks = new Set<number>([0, count - 1]);
  for (let i = 1; i < wanted - 1; i++) picks.add(Math.min(count - 1, Math.round((i * count) / (wanted - 1))));
  return [...picks].filter((i) => i >= 0).sort((a, b) => a - b);
};

/** R² per output column of row-major [n, 2] arrays. */
const rSquared = (truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number): [number, number] => {
  const r2 = (c: number): number => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += truth[2 * i + c] / n;
    let residual = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      residual += (truth[2 * i + c] - predicted[2 * i + c]) ** 2;
      total += (truth[2 * i + c] - mean) ** 2;
    }
    return 1 - residual / total;
  };
  return [r2(0), r2(1)];
};

/** MSE on `test` of predicting the training means of each output. */
const meanBaseline = (trainY: ArrayLike<number>, testY: ArrayLike<number>): number => {
  const means = [0, 1].map((c) => {
    let total = 0;
    for (let i = c; i < trainY.length; i += 2) total += trainY[i];
    return total / (trainY.length / 2);
  });
  let sum = 0;
  for (let i = 0; i < testY.length; i++) sum += (testY[i] - means[i % 2]) ** 2;
  return sum / testY.length;
};

export const runRegression = async (options: RegressionOptions, log: (line: string) => void): Promise<RegressionReport> => {
  const backend = makeBackend(options.backend);
  log(`backend: ${backend.description}`);
  const [lineKey, fitKey, mlpDataKey, mlpKey] = split(key(options.seed), 4);

  // 1. The line.
  const data = lineData(lineKey, options.samples);
  log('');
  log(`1. A line by gradient descent: y = w·x + b on ${data.size} points y = ${TRUE_W}x + ${TRUE_B} + N(0, ${LINE_NOISE}²), x ~ U(-2, 2)`);
  log(`   model: dense(1 → 1) (nn.Linear(1, 1)), loss MSE, SGD lr ${options.lr}, ${options.steps} full-batch steps`);
  const line = await fitLine(data, { lr: options.lr, steps: options.steps, key: fitKey, backend });
  for (const i of milestones(line.losses.length)) log(`   step ${String(i).padStart(4)}: loss ${f4(line.losses[i])}`);
  log(`   loss per step (log scale): ${sparkline(line.losses)}`);
  const ols = leastSquares(data.x, data.y);
  log(`   true:          w = ${f4(TRUE_W)}   b = ${f4(TRUE_B)}`);
  log(`   learned:       w = ${f4(line.w)}   b = ${f4(line.b)}`);
  log(`   least squares: w = ${f4(ols.w)}   b = ${f4(ols.b)}   (the closed-form optimum for this sample; the gap to the truth is the noise)`);
  if (line.divergence !== undefined) log(`   warning: lr ${options.lr} diverged on this data; try a smaller --lr`);

  // 2. Too large a step.
  const criticalLr = 2 / lineHessianMax(data.x);
  log('');
  log(`2. Too large a step: the same descent with lr ${options.divergeLr} (on this data it converges only for lr < 2/λmax = ${f4(criticalLr)})`);
  const diverging = await fitLine(data, { lr: options.divergeLr, steps: options.steps, key: fitKey, backend });
  for (const i of milestones(diverging.losses.length)) log(`   step ${String(i).padStart(4)}: loss ${f4(diverging.losses[i])}`);
  log(`   loss per step (log scale): ${sparkline(diverging.losses)}`);
  const d = diverging.divergence;
  if (d === undefined) {
    log(`   did not diverge: the loss went from ${f4(diverging.losses[0])} to ${f4(diverging.losses[diverging.losses.length - 1])} (lr ${options.divergeLr} is below 2/λmax)`);
  } else if (d.nonFiniteAt !== undefined) {
    log(`   DIVERGED: the loss grew from ${f4(diverging.losses[0])} to ${d.lastLoss} at step ${d.nonFiniteAt}; training stopped (NonFiniteLossError). Each step overshoots the minimum by more than it corrects.`);
  } else {
    log(`   DIVERGED: the loss grew from ${f4(diverging.losses[0])} to ${f4(d.lastLoss)} in ${diverging.losses.length} steps. Each step overshoots the minimum by more than it corrects.`);
  }

  // 3. The MLP.
  const [trainKey, testKey] = split(mlpDataKey, 2);
  const train = mlpData(trainKey, options.mlpSamples);
  const test = mlpData(testKey, Math.max(1, Math.floor(options.mlpSamples / 4)));
  log('');
  log('3. Several inputs and outputs: an MLP 3 → 32 → 2 on y = (sin 2x₁ + x₂x₃, cos(x₁ + x₂) − x₃²/2) + noise, x ~ U(-1, 1)³');
  log(`   model: dense(3 → 32), ReLU, dense(32 → 2), Kaiming-normal init; MSE, Adam lr ${options.mlpLr}, batch ${options.batchSize}; ${train.size} train / ${test.size} test examples`);
  const shown = new Set(milestones(options.mlpEpochs, 10).map((i) => i + 1));
  const mlp = await fitMlp(train, test, {
    lr: options.mlpLr,
    epochs: options.mlpEpochs,
    batchSize: options.batchSize,
    key: mlpKey,
    backend,
    onEpoch: (e) => {
      if (shown.has(e.epoch)) log(`   epoch ${String(e.epoch).padStart(3)}: train MSE ${f4(e.trainLoss)}   test MSE ${f4(e.testLoss)}`);
    },
  });
  const baselineMse = meanBaseline(train.y, test.y);
  const testMse = mlp.epochs[mlp.epochs.length - 1].testLoss;
  const r2 = rSquared(test.y, mlp.predictions, test.size);
  log(`   train MSE per epoch (log scale): ${sparkline(mlp.epochs.map((e) => e.trainLoss))}`);
  log(`   test MSE ${f4(testMse)}, against ${f4(baselineMse)} for predicting the mean and ${f4(MLP_NOISE ** 2)} for the noise alone; R² = ${r2[0].toFixed(3)}, ${r2[1].toFixed(3)}`);

  const report: RegressionReport = {
    backend: backend.description,
    line: { ...line, trueW: TRUE_W, trueB: TRUE_B, leastSquares: ols },
    criticalLr,
    diverging,
    mlp: { epochs: mlp.epochs, baselineMse, testMse, r2 },
  };
  if (options.plots === undefined) return report;
  const plots = await saveFigures(options.plots, [lineFigure(data, line), divergenceFigure(line, diverging), mlpLossFigure(mlp), mlpFitFigure(test, mlp)]);
  log('');
  log(`plots: wrote ${plots.paths.length} files to ${options.plots} (${plots.paths.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')})`);
  if (plots.warning !== undefined) log(`plots: warning: ${plots.warning}`);
  return { ...report, plots };
};
