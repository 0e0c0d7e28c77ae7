/**
 * The property tests a user writes for their own layer, with purenet/testing: fast-check draws
 * inputs, parameter trees (from the layer's own init) and keys; the kit's checkers compare the
 * VJPs with float64 central differences. A property that fails comes back as data (seed,
 * shrunk counterexample, the kit's report) so the example can print it instead of exiting.
 */
import fc from 'fast-check';
import { mse, referenceBackend, type Tensor } from '../../src/index.js';
import {
  checkGradTree,
  checkVjp,
  formatReport,
  GradientCheckError,
  keyArb,
  layerParamsArb,
  orThrow,
  tensorArb,
  type CheckReport,
  type CheckResult,
} from '../../src/testing/index.js';
import { glu, type GluParams } from './glu.js';

/** A property that held on every draw. */
export interface PropertyPass {
  readonly _tag: 'pass';
  readonly name: string;
  readonly runs: number;
  /** Comparisons of an analytic derivative with its numeric estimate, over all runs. */
  readonly comparisons: number;
  /** Largest |analytic − numeric| / allowed over all runs (< 1 means every one passed). */
  readonly worstRatio: number;
}

/** A property that failed: fast-check's seed and shrunk counterexample, and the kit's report on it. */
export interface PropertyFailure {
  readonly _tag: 'fail';
  readonly name: string;
  readonly seed: number;
  readonly path: string | undefined;
  readonly shrinks: number;
  readonly counterexample: string;
  /** The gradient check's report (undefined if the property failed some other way). */
  readonly report: CheckReport | undefined;
  /** Everything a person needs: counterexample, report, replay line. */
  readonly text: string;
}

export type PropertyOutcome = PropertyPass | PropertyFailure;

export interface PropertyRun {
  readonly numRuns: number;
  /** fast-check seed; the same seed replays the same draws. */
  readonly seed: number;
}

/** Runs `check` on `runs.numRuns` draws of `arb`; a failing draw is shrunk and reported. */
export const certify = async <T>(name: string, arb: fc.Arbitrary<T>, check: (value: T) => Promise<CheckResult>, runs: PropertyRun): Promise<PropertyOutcome> => {
  // Local accumulators of the passing runs' margins (shrinking only ever adds failing runs).
  let worstRatio = 0;
  let comparisons = 0;
  const details = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      const pass = orThrow(await check(value));
      worstRatio = Math.max(worstRatio, pass.worstRatio);
      comparisons += pass.checked;
    }),
    { numRuns: runs.numRuns, seed: runs.seed, includeErrorInReport: true },
  );
  if (!details.failed) return { _tag: 'pass', name, runs: details.numRuns, comparisons, worstRatio };
  const error: unknown = details.errorInstance;
  const report = error instanceof GradientCheckError ? error.report : undefined;
  const path = details.counterexamplePath ?? undefined;
  const counterexample = details.counterexample === null ? '(none)' : fc.stringify(details.counterexample);
  const text = [
    `Property failed after ${details.numRuns} test(s), shrunk ${details.numShrinks} time(s)`,
    `{ seed: ${details.seed}, path: "${path ?? ''}" }`,
    `Counterexample: ${counterexample}`,
    report === undefined ? `Error: ${String(error)}` : `${report.api}: ${formatReport(report)}`,
    `Replay: fc.assert(property, { seed: ${details.seed}${path === undefined ? '' : `, path: '${path}', endOnFailure: true`} })`,
  ].join('\n');
  return { _tag: 'fail', name, seed: details.seed, path, shrinks: details.numShrinks, counterexample, report, text };
};

const reference = referenceBackend();

/** x [3, 4] in [-4, 4]: swish is smooth, so no kinks to keep away from. */
const activationInput = (): fc.Arbitrary<Tensor> => tensorArb(reference, [3, 4], { min: -4, max: 4, kinks: [] });

/** checkVjp (adjoint identity, 3 probes) of an activation on drawn inputs and keys. */
export const certifyActivation = (name: string, activation: (x: Tensor) => Tensor, runs: PropertyRun): Promise<PropertyOutcome> =>
  certify(name, fc.tuple(activationInput(), keyArb()), ([x, k]) => checkVjp(activation, [x], { key: k, names: ['x'] }), runs);

/** The glu test problem: glu(4 → 3) on a batch of 5 with MSE against drawn targets. */
export const GLU_CHECK = { inFeatures: 4, outFeatures: 3, batch: 5 } as const;

/**
 * checkGradTree of `mse(glu.apply(params, x), y)` over params drawn by `layerParamsArb` (the
 * layer's own init under arbitrary keys), every entry of every leaf compared (each leaf is small).
 */
export const certifyGlu = (runs: PropertyRun): Promise<PropertyOutcome> => {
  const { inFeatures, outFeatures, batch } = GLU_CHECK;
  const layer = glu(inFeatures, outFeatures);
  const loss = (p: GluParams, x: Tensor, y: Tensor): Tensor => mse(layer.apply(p, x), y);
  const arb = fc.tuple(layerParamsArb(layer, reference), tensorArb(reference, [batch, inFeatures]), tensorArb(reference, [batch, outFeatures]), keyArb());
  return certify(`${layer.describe} + mse`, arb, ([p, x, y, k]) => checkGradTree(loss, { key: k, elementsPerLeaf: 'all' })(p, x, y), runs);
};
