/**
 * The lecture's maximum-likelihood task, end to end: (1) a network that predicts a mean and a
 * variance, trained by Gaussian NLL on data whose noise grows with x, compared with the true
 * noise and checked for calibration (±2σ coverage); (2) a Bernoulli classifier trained by binary
 * cross-entropy with logits, with its accuracy and a reliability table. Returns what it prints.
 */
import { cpuBackend, key, referenceBackend, split, type Backend } from '../../src/core/index.js';
import { saveFigures, type SavedFigures } from '../../src/cli/figures.js';
import { sparkline } from '../../src/plot/index.js';
import { scoreProbabilities, fitBernoulli, type BernoulliEpoch } from './bernoulli.js';
import { coverage, expectedCalibrationError, reliability, TWO_SIGMA_COVERAGE, type ReliabilityBin } from './calibration.js';
import { bernoulliData, GAUSSIAN_X_RANGE, heteroscedasticData, trueMean, trueStd } from './data.js';
import { fitGaussian, meanGaussianNll } from './gaussian.js';
import type { BackendChoice, ProbabilisticOptions } from './options.js';
import { bandFigure, bernoulliCurvesFigure, nllFigure, noiseFigure, reliabilityFigure } from './plots.js';

export interface NoiseProfileRow {
  readonly x: number;
  readonly trueMean: number;
  readonly mean: number;
  readonly trueStd: number;
  readonly std: number;
}

export interface CoverageBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** ±2σ coverage of the learned σ in this range of x. */
  readonly learned: number;
  /** ±2σ coverage of one constant σ (the learned mean's RMS residual on the training set). */
  readonly constant: number;
}

export interface ProbabilisticReport {
  readonly backend: string;
  readonly gaussian: {
    readonly trainNll: readonly number[];
    readonly testNllPerEpoch: readonly number[];
    /** Mean test NLL of the model, and of the true distribution on the same points (nats). */
    readonly testNll: number;
    readonly trueNll: number;
    readonly profile: readonly NoiseProfileRow[];
    /** Fraction of test targets inside the learned mean ± 2σ. */
    readonly coverage: number;
    /** The same with the true mean and σ: the sampling noise of the coverage itself. */
    readonly trueCoverage: number;
    readonly coverageByX: readonly CoverageBin[];
  };
  readonly bernoulli: {
    readonly epochs: readonly BernoulliEpoch[];
    readonly accuracy: number;
    /** Accuracy of the true probabilities thresholded at 1/2 on the same points (the best possible, up to noise). */
    readonly bayesAccuracy: number;
    readonly reliability: readonly ReliabilityBin[];
    readonly ece: number;
  };
  readonly plots?: SavedFigures;
}

export const makeBackend = (choice: BackendChoice): Backend => (choice === 'reference' ? referenceBackend() : cpuBackend());

const f4 = (x: number): string => x.toFixed(4);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** Epochs worth printing: the first, about eight in between, the last (1-based). */
const shownEpochs = (epochs: number): Set<number> => new Set(Array.from({ length: 10 }, (_, i) => 1 + Math.round((i * (epochs - 1)) / 9)));

export const runProbabilistic = async (options: ProbabilisticOptions, log: (line: string) => void): Promise<ProbabilisticReport> => {
  const backend = makeBackend(options.backend);
  log(`backend: ${backend.description}`);
  const [gaussDataKey, gaussKey, bernDataKey, bernKey] = split(key(options.seed), 4);

  // 1. Heteroscedastic Gaussian.
  const [trainKey, testKey] = split(gaussDataKey, 2);
  const train = heteroscedasticData(trainKey, options.samples);
  const test = heteroscedasticData(testKey, options.samples);
  const headText =
    options.varianceHead === 'logvar'
      ? 'log σ² head, loss gaussianNllLogVar: no clamp, and a gradient in log σ² that stays bounded at every scale of σ'
      : 'softplus head σ² = softplus(s) + 1e-6, loss gaussianNll (PyTorch GaussianNLLLoss); its gradient fades where softplus flattens';
  log('');
  log('1. A mean and a variance by maximum likelihood: y = sin(1.5x) + 0.5x + σ(x)·ε, σ(x) = 0.05 + 0.15x, x ~ U(0, 4), ε ~ N(0, 1)');
  log('   model: trunk dense(1 → 64), ReLU, dense(64 → 64), ReLU; heads: mean dense(64 → 1), variance dense(64 → 1)');
  log(`   ${headText}`);
  log(`   Gaussian NLL, Adam lr ${options.lr}, batch ${options.batchSize}, ${options.epochs} epochs; ${train.size} train / ${test.size} test points`);
  const shown = shownEpochs(options.epochs);
  const gaussian = await fitGaussian(train, test, {
    head: options.varianceHead,
    lr: options.lr,
    epochs: options.epochs,
    batchSize: options.batchSize,
    key: gaussKey,
    backend,
    onEpoch: (epoch, trainNll, testNll) => {
      if (shown.has(epoch)) log(`   epoch ${String(epoch).padStart(3)}: train NLL ${f4(trainNll)}   test NLL ${f4(testNll)}`);
    },
  });
  log(`   train NLL per epoch: ${sparkline(gaussian.trainNll, { log: false })}`);

  const onTest = await gaussian.predict(test.x);
  const testNll = meanGaussianNll(test.y, onTest.mean, onTest.std);
  const trueNll = meanGaussianNll(test.y, Float64Array.from(test.x, trueMean), Float64Array.from(test.x, trueStd));
  log(`   test NLL ${f4(testNll)} nats per point (the true distribution scores ${f4(trueNll)} on the same points)`);

  const profileX = [0.25, 1, 2, 3, 3.75];
  const atProfile = await gaussian.predict(profileX);
  const profile = profileX.map((x, i): NoiseProfileRow => ({ x, trueMean: trueMean(x), mean: atProfile.mean[i], trueStd: trueStd(x), std: atProfile.std[i] }));
  log('   noise profile, learned against true:');
  log('        x   true μ   learned μ   true σ   learned σ');
  for (const row of profile) log(`     ${row.x.toFixed(2).padStart(4)}  ${f4(row.trueMean).padStart(7)}  ${f4(row.mean).padStart(9)}  ${f4(row.trueStd).padStart(7)}  ${f4(row.std).padStart(9)}`);

  const rate = coverage(test.y, onTest.mean, onTest.std);
  const trueRate = coverage(test.y, Float64Array.from(test.x, trueMean), Float64Array.from(test.x, trueStd));
  const onTrain = await gaussian.predict(train.x);
  let squared = 0;
  for (let i = 0; i < train.size; i++) squared += (train.y[i] - onTrain.mean[i]) ** 2 / train.size;
  const constantStd = Math.sqrt(squared);
  const coverageByX = [0, 1, 2, 3].map((lower): CoverageBin => {
    const upper = lower + 1;
    const rows = Array.from({ length: test.size }, (_, i) => i).filter((i) => test.x[i] >= lower && (test.x[i] < upper || upper === GAUSSIAN_X_RANGE[1]));
    const pick = (values: ArrayLike<number>) => rows.map((i) => values[i]);
    return {
      lower,
      upper,
      count: rows.length,
      learned: coverage(pick(test.y), pick(onTest.mean), pick(onTest.std)),
      constant: coverage(pick(test.y), pick(onTest.mean), rows.map(() => constantStd)),
    };
  });
  log(`   calibration: ${pct(rate)} of test targets lie inside the learned mean ± 2σ (a correct σ covers ${pct(TWO_SIGMA_COVERAGE)}; the true σ covers ${pct(trueRate)} of these points)`);
  log(`   by x, learned σ:           ${coverageByX.map((b) => `[${b.lower}, ${b.upper}) ${pct(b.learned)}`).join('   ')}`);
  log(`   by x, one σ = ${constantStd.toFixed(3)} for all: ${coverageByX.map((b) => `[${b.lower}, ${b.upper}) ${pct(b.constant)}`).join('   ')}   (what ignoring the heteroscedasticity gives)`);

  // 2. Bernoulli.
  const [bTrainKey, bTestKey] = split(bernDataKey, 2);
  const bTrain = bernoulliData(bTrainKey, options.bernoulliSamples);
  const bTest = bernoulliData(bTestKey, options.bernoulliSamples);
  log('');
  log('2. Probabilities by maximum likelihood (Bernoulli): P(y = 1 | x) = sigmoid(3 (1.44 − |x|²)), x ~ U(-2, 2)²');
  log(`   model: dense(2 → 32), ReLU, dense(32 → 32), ReLU, dense(32 → 1) → one logit; loss binaryCrossEntropyWithLogits (the Bernoulli NLL)`);
  log(`   Adam lr ${options.lr}, batch ${options.batchSize}, ${options.bernoulliEpochs} epochs; ${bTrain.size} train / ${bTest.size} test points`);
  const bShown = shownEpochs(options.bernoulliEpochs);
  const bernoulli = await fitBernoulli(bTrain, bTest, {
    lr: options.lr,
    epochs: options.bernoulliEpochs,
    batchSize: options.batchSize,
    key: bernKey,
    backend,
    onEpoch: (e) => {
      if (bShown.has(e.epoch)) log(`   epoch ${String(e.epoch).padStart(3)}: train BCE ${f4(e.trainLoss)}   test BCE ${f4(e.testLoss)}   test accuracy ${f4(e.testAccuracy)}`);
    },
  });
  const accuracy = scoreProbabilities(bernoulli.probabilities, bTest.y).accuracy;
  const bayes = scoreProbabilities(bTest.p, bTest.y);
  const table = reliability(bernoulli.probabilities, bTest.y);
  const ece = expectedCalibrationError(table);
  log(`   test accuracy ${f4(accuracy)} (the true probabilities score ${f4(bayes.accuracy)} on these points: the labels are noisy, so no model gets 1)`);
  log(`   test BCE ${f4(bernoulli.epochs[bernoulli.epochs.length - 1].testLoss)} (the true probabilities: ${f4(bayes.loss)})`);
  log(`   calibration: expected calibration error ${f4(ece)} over 10 bins of predicted probability:`);
  log('     predicted P(y=1)   mean predicted   observed frequency   count');
  for (const bin of table) {
    if (bin.count === 0) continue;
    log(`     [${bin.lower.toFixed(1)}, ${bin.upper.toFixed(1)})          ${f4(bin.predicted)}           ${f4(bin.observed)}            ${String(bin.count).padStart(5)}`);
  }

  const report: ProbabilisticReport = {
    backend: backend.description,
    gaussian: { trainNll: gaussian.trainNll, testNllPerEpoch: gaussian.testNll, testNll, trueNll, profile, coverage: rate, trueCoverage: trueRate, coverageByX },
    bernoulli: { epochs: bernoulli.epochs, accuracy, bayesAccuracy: bayes.accuracy, reliability: table, ece },
  };
  if (options.plots === undefined) return report;
  const [lo, hi] = GAUSSIAN_X_RANGE;
  const gridX = Float32Array.from({ length: 201 }, (_, i) => lo + ((hi - lo) * i) / 200);
  const grid = { x: gridX, prediction: await gaussian.predict(gridX) };
  const plots = await saveFigures(options.plots, [
    bandFigure(train, grid, rate),
    noiseFigure(grid),
    nllFigure(gaussian.trainNll, gaussian.testNll),
    bernoulliCurvesFigure(bernoulli.epochs),
    reliabilityFigure(table, ece),
  ]);
  log('');
  log(`plots: wrote ${plots.paths.length} files to ${options.plots} (${plots.paths.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')})`);
  if (plots.warning !== undefined) log(`plots: warning: ${plots.warning}`);
  return { ...report, plots };
};
