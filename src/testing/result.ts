/**
 * A check's outcome as a value (io-ts style): `Right(pass)` with the margin it passed by, or
 * `Left(report)` listing every failure, worst first. Comparisons of one analytic derivative with
 * its numeric estimate live here too, so that every checker applies the same rule.
 */
import * as E from 'fp-ts/lib/Either.js';
import { allowedError, relativeError, type Tolerance } from './tolerance.js';
import type { CheckApi, CheckFailure, CheckReport, Location, Mismatch, NotFinite } from './report.js';

export interface CheckPass {
  readonly api: CheckApi;
  readonly checked: number;
  readonly backend: string;
  readonly tolerance?: Tolerance;
  /** Largest absolute error over allowed error seen (below 1 on a pass): how close it came to failing. */
  readonly worstRatio: number;
}

export type CheckResult = E.Either<CheckReport, CheckPass>;

export interface Comparison {
  readonly failure: Mismatch | NotFinite | undefined;
  /** absolute error / allowed error (Infinity for a non-finite pair). */
  readonly ratio: number;
}

/** PyTorch's rule on one pair: |analytic - numeric| <= atol + rtol * |numeric|. */
export const compareValues = (
  location: Location & { readonly outputIndex?: readonly number[] },
  check: Mismatch['check'],
  analytic: number,
  numeric: number,
  tolerance: Tolerance,
): Comparison => {
  if (!Number.isFinite(analytic) || !Number.isFinite(numeric)) {
    return { failure: { kind: 'notFinite', check, ...location, analytic, numeric }, ratio: Infinity };
  }
  const absoluteError = Math.abs(analytic - numeric);
  const allowed = allowedError(numeric, tolerance);
  const ratio = allowed === 0 ? (absoluteError === 0 ? 0 : Infinity) : absoluteError / allowed;
  if (absoluteError <= allowed) return { failure: undefined, ratio };
  return {
    failure: { kind: 'mismatch', check, ...location, analytic, numeric, absoluteError, relativeError: relativeError(analytic, numeric), allowed },
    ratio,
  };
};

/** Structural failures first (they make every number suspect), then by how far past the bound. */
const severity = (failure: CheckFailure): number => {
  switch (failure.kind) {
    case 'mutation':
      return 4e300;
    case 'impurePullback':
      return 3e300;
    case 'notFinite':
      return 2e300;
    case 'mismatch':
      // Elementwise failures name an element, which is what a person wants to look at first.
      return (failure.check === 'element' ? 1e150 : 1) * Math.min(failure.absoluteError / Math.max(failure.allowed, 1e-300), 1e149);
    case 'disagreement':
      return failure.error / Math.max(failure.allowed, 1e-300);
  }
};

export const sortFailures = (failures: readonly CheckFailure[]): CheckFailure[] => [...failures].sort((a, b) => severity(b) - severity(a));

export const finish = (
  report: Omit<CheckReport, 'failures'>,
  failures: readonly CheckFailure[],
  worstRatio: number,
): CheckResult =>
  failures.length === 0
    ? E.right({ api: report.api, checked: report.checked, backend: report.backend, worstRatio, ...(report.tolerance === undefined ? {} : { tolerance: report.tolerance }) })
    : E.left({ ...report, failures: sortFailures(failures) });
