/**
 * The custom-layer walk-through: (1) certify a hand-written customVjp activation with checkVjp,
 * (2) certify a user-written glu layer with its loss by checkGradTree over parameter trees from its
 * own init, (3) show a deliberately wrong rule being caught and the kit's report, (4) train.
 * Returns every number it prints; `ok` is false only if a correct rule failed or the wrong one passed.
 */
import { cpuBackend, key, referenceBackend, split, type Backend } from '../../src/index.js';
import { certifyActivation, certifyGlu, GLU_CHECK, type PropertyOutcome } from './checks.js';
import type { BackendChoice, CustomLayerOptions } from './options.js';
import { swish, swishMissingFactor } from './swish.js';
import { HIDDEN, TARGET_TEXT, trainGlu, type TrainRun } from './train.js';

export interface CustomLayerReport {
  readonly activation: PropertyOutcome;
  readonly glu: PropertyOutcome;
  /** The deliberately wrong rule: expected to fail. */
  readonly wrongRule: PropertyOutcome;
  readonly training: TrainRun;
  /** Correct rules passed, the wrong rule was caught, and training beat the mean predictor. */
  readonly ok: boolean;
}

const makeBackend = (choice: BackendChoice): Backend => (choice === 'reference' ? referenceBackend() : cpuBackend());

const f4 = (x: number): string => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(4));

const ratio = (x: number): string => (x !== 0 && x < 1e-3 ? x.toExponential(2) : x.toFixed(4));

const indent = (text: string): string => text.split('\n').map((line) => `   | ${line}`).join('\n');

const logOutcome = (outcome: PropertyOutcome, log: (line: string) => void): void => {
  if (outcome._tag === 'pass') {
    log(`   PASS ${outcome.name}: ${outcome.runs} draws, ${outcome.comparisons} comparisons, worst ratio ${ratio(outcome.worstRatio)} (|analytic − numeric| / allowed; fails at 1)`);
  } else {
    log(`   FAIL ${outcome.name}:`);
    log(indent(outcome.text));
  }
};

export const runCustomLayer = async (options: CustomLayerOptions, log: (line: string) => void): Promise<CustomLayerReport> => {
  const runs = { numRuns: options.runs, seed: options.seed };

  log('1. A hand-written rule: swish(x) = x·σ(x) with customVjp, bwd = ct·σ(x)(1 + x(1 − σ(x)))');
  log(`   checkVjp on x [3, 4] ~ U(-4, 4), float64 reference backend, ${options.runs} fast-check draws (seed ${options.seed})`);
  const activation = await certifyActivation('swish (customVjp)', swish, runs);
  logOutcome(activation, log);

  log('');
  log(`2. A new layer: glu(${GLU_CHECK.inFeatures} → ${GLU_CHECK.outFeatures}) = (x Wᵀ + b) ⊙ σ(x Vᵀ + c), params { value: { weight, bias }, gate: { weight, bias } }`);
  log(`   checkGradTree of mse(glu(x), y) over params from layerParamsArb (glu.init under drawn keys), x [${GLU_CHECK.batch}, ${GLU_CHECK.inFeatures}], every entry`);
  const gluOutcome = await certifyGlu(runs);
  logOutcome(gluOutcome, log);

  log('');
  log('3. What a failure looks like. THIS FAILURE IS INTENDED: the rule below is wrong on purpose.');
  log('   swishMissingFactor: bwd = ct·σ(x)(2 − σ(x)), the product rule with the factor x dropped');
  const wrongRule = await certifyActivation('swishMissingFactor (customVjp, deliberately wrong)', swishMissingFactor, runs);
  if (wrongRule._tag === 'fail') {
    log('   The kit caught it. Its report, as a test run would print it:');
    log(indent(wrongRule.text));
    log('   (expected: the example continues. The values are entries of Jᵀc for a random cotangent c, so each is the');
    log('   derivative times c; at x = 0, where fast-check shrinks to, the wrong rule gives 3/4 where swish′(0) = 1/2.)');
  } else {
    log(`   UNEXPECTED: the wrong rule passed ${wrongRule.runs} draws (worst ratio ${ratio(wrongRule.worstRatio)}); the checker missed it`);
  }

  log('');
  const backend = makeBackend(options.backend);
  log(`4. Training: glu(2 → ${HIDDEN}) → swish → dense(${HIDDEN} → 1) on ${TARGET_TEXT}`);
  log(`   ${options.samples} examples, full-batch Adam lr ${options.lr}, ${options.steps} steps, MSE, backend ${backend.description}`);
  const [, trainKey] = split(key(options.seed), 2);
  const training = await trainGlu({ samples: options.samples, steps: options.steps, lr: options.lr, key: trainKey, backend });
  const { losses, baseline } = training;
  const shown = [...new Set([0, 1, 2, 3, 4].map((i) => Math.round((i * (losses.length - 1)) / 4)))];
  for (const i of shown) log(`   step ${String(i).padStart(4)}: MSE ${f4(losses[i])}`);
  const final = losses[losses.length - 1];
  log(`   final MSE ${f4(final)} against ${f4(baseline)} for predicting the mean (${((100 * final) / baseline).toFixed(1)}% of it)`);

  const ok = activation._tag === 'pass' && gluOutcome._tag === 'pass' && wrongRule._tag === 'fail' && final < baseline;
  log('');
  log(ok ? 'All as expected: the correct rules pass, the wrong one is caught, the layer learns.' : 'NOT as expected: see above.');
  return { activation, glu: gluOutcome, wrongRule, training, ok };
};
