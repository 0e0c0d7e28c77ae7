/**
 * What a failed check says, as data and as text. Each failure names the parameter path and the
 * element (`lin_1.weight[3, 17]`), the analytic and numeric values, the errors and the tolerance
 * that failed, so that a person can act on it without re-running anything.
 */
import { PurenetError, stridesOf, type Shape } from '../core/index.js';
import type { Tolerance } from './tolerance.js';

export type CheckApi = 'checkVjp' | 'checkGrad' | 'checkGradTree' | 'checkNoMutation' | 'checkAgreement';

/** Where a value lives: a leaf path (`lin_1.weight`, `args[1]`, `cotangent`) and an element index. */
export interface Location {
  readonly path: string;
  /** Multi-index of the element; absent when the check covers the whole leaf (a directional check). */
  readonly index?: readonly number[];
}

/** An analytic derivative disagreed with its central-difference estimate. */
export interface Mismatch extends Location {
  readonly kind: 'mismatch';
  /** 'directional': <t, Jᵀc> vs <J t, c> over the whole leaf; 'element': one gradient entry. */
  readonly check: 'directional' | 'element';
  /** For full-Jacobian checks: which output element's row this entry belongs to. */
  readonly outputIndex?: readonly number[];
  readonly analytic: number;
  readonly numeric: number;
  readonly absoluteError: number;
  readonly relativeError: number;
  /** atol + rtol * |numeric|, the bound that `absoluteError` exceeded. */
  readonly allowed: number;
}

/** NaN or Infinity on either side: no comparison is meaningful. */
export interface NotFinite extends Location {
  readonly kind: 'notFinite';
  readonly check: 'directional' | 'element';
  readonly analytic: number;
  readonly numeric: number;
}

/** A value the function was given changed: a kernel or a VJP wrote into a buffer it does not own. */
export interface Mutation extends Location {
  readonly kind: 'mutation';
  readonly what: 'input' | 'cotangent' | 'output';
  readonly during: string;
  readonly before: number;
  readonly after: number;
}

/** Calling the pullback twice with the same cotangent gave different answers (hidden state). */
export interface ImpurePullback extends Location {
  readonly kind: 'impurePullback';
  readonly first: number;
  readonly second: number;
}

/** Two backends disagree beyond the tolerance, on the output or on a gradient. */
export interface Disagreement extends Location {
  readonly kind: 'disagreement';
  readonly what: 'output' | 'gradient';
  readonly backend: string;
  readonly reference: string;
  /** 'frobenius': ||a - r|| / ||r|| over the tensor; 'elementwise': |a_i - r_i| / |r_i| at the worst element. */
  readonly metric: 'frobenius' | 'elementwise';
  readonly error: number;
  readonly allowed: number;
  /** The worst element (index in `index`) on both backends. */
  readonly value: number;
  readonly referenceValue: number;
}

export type CheckFailure = Mismatch | NotFinite | Mutation | ImpurePullback | Disagreement;

export interface CheckReport {
  readonly api: CheckApi;
  /** Worst first: the one to look at. */
  readonly failures: readonly CheckFailure[];
  /** How many comparisons were made in total. */
  readonly checked: number;
  readonly tolerance?: Tolerance;
  /** The backend the check ran on (a float64 backend for gradient checks). */
  readonly backend: string;
  /** The PRNG key words that drew tangents and cotangents, to replay with `key: keyFromWords(...)`. */
  readonly keyWords?: readonly [number, number];
}

/** `[3, 17]` from a flat row-major offset into `shape`; `''` for a scalar. */
export const formatIndex = (shape: Shape, flat: number): readonly number[] => {
  const strides = stridesOf(shape);
  return strides.map((stride, axis) => Math.floor(flat / stride) % shape[axis]);
};

export const formatLocation = ({ path, index }: Location): string =>
  `${path}${index === undefined || index.length === 0 ? '' : `[${index.join(', ')}]`}`;

/** Tolerances as people write them: 1e-6, 0.001. */
const setting = (x: number): string => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x));

const num = (x: number): string => (Number.isFinite(x) ? (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(8) : x.toExponential(4)) : String(x));

const describeFailure = (failure: CheckFailure, tolerance: Tolerance | undefined): string[] => {
  const at = formatLocation(failure);
  switch (failure.kind) {
    case 'mismatch': {
      const what = failure.check === 'directional' ? `${at} (directional: <t, Jᵀc> vs <J t, c> along a random tangent of this leaf)` : at;
      const row = failure.outputIndex === undefined ? '' : ` of output[${failure.outputIndex.join(', ')}]`;
      const rule = tolerance === undefined ? '' : ` = atol ${setting(tolerance.atol)} + rtol ${setting(tolerance.rtol)} × |numeric|`;
      return [
        `gradient mismatch at ${what}${row}`,
        `  analytic (vjp)      ${num(failure.analytic)}`,
        `  numeric (central)   ${num(failure.numeric)}${tolerance === undefined ? '' : `   (eps ${setting(tolerance.eps)})`}`,
        `  absolute error      ${num(failure.absoluteError)} > allowed ${num(failure.allowed)}${rule}`,
        `  relative error      ${num(failure.relativeError)}`,
      ];
    }
    case 'notFinite':
      return [
        `non-finite value at ${at} (${failure.check}): analytic ${num(failure.analytic)}, numeric ${num(failure.numeric)}`,
        '  sample inputs away from singularities (log or sqrt at 0, division by 0) or overflow',
      ];
    case 'mutation':
      return [`${failure.path === failure.what ? `the ${at}` : `the ${failure.what} ${at}`} was written to during ${failure.during}: ${num(failure.before)} became ${num(failure.after)}; ops and VJPs must allocate their results, never write into a tensor they were given`];
    case 'impurePullback':
      return [`the pullback is not pure: two calls with the same cotangent gave ${num(failure.first)} then ${num(failure.second)} at ${at}; a VJP must not keep or change state between calls`];
    case 'disagreement':
      return [
        `${failure.backend} disagrees with ${failure.reference} on ${failure.what === failure.path ? `the ${failure.what}` : `the ${failure.what} ${failure.path}`}: ${failure.metric === 'frobenius' ? 'relative Frobenius error' : 'elementwise relative error'} ${num(failure.error)} > allowed ${num(failure.allowed)}`,
        `  worst element ${at}: ${num(failure.value)} vs ${num(failure.referenceValue)}`,
      ];
  }
};

/** One line per failure for the "also failing" list. */
const brief = (failure: CheckFailure, tolerance: Tolerance | undefined): string => {
  if (failure.kind !== 'mismatch') return describeFailure(failure, tolerance)[0];
  const what = failure.check === 'directional' ? `${failure.path} (directional)` : formatLocation(failure);
  const row = failure.outputIndex === undefined ? '' : ` of output[${failure.outputIndex.join(', ')}]`;
  return `gradient mismatch at ${what}${row}: analytic ${num(failure.analytic)}, numeric ${num(failure.numeric)}, |Δ| ${num(failure.absoluteError)} > ${num(failure.allowed)}`;
};

/** The multi-line text of a report: headline, the worst failure in full, then the others briefly. */
export const formatReport = (report: CheckReport): string => {
  const { failures, tolerance } = report;
  const settings = [
    report.backend,
    ...(tolerance === undefined ? [] : [`eps ${setting(tolerance.eps)}`, `atol ${setting(tolerance.atol)}`, `rtol ${setting(tolerance.rtol)}`]),
    ...(report.keyWords === undefined ? [] : [`key keyFromWords([${report.keyWords.join(', ')}])`]),
  ].join(', ');
  const lines = [`${failures.length} of ${report.checked} checks failed (${settings})`, ...describeFailure(failures[0], tolerance)];
  const others = failures.slice(1, 6).map((f) => `  - ${brief(f, tolerance)}`);
  if (others.length > 0) lines.push('also failing:', ...others);
  if (failures.length > 6) lines.push(`  ... and ${failures.length - 6} more`);
  return lines.join('\n');
};

/** Thrown by the assert-style wrappers; the structured report stays available on `.report`. */
export class GradientCheckError extends PurenetError {
  constructor(readonly report: CheckReport) {
    super(report.api, formatReport(report));
    this.name = 'GradientCheckError';
  }
}
