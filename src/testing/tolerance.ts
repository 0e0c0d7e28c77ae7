/**
 * Tolerances of a gradient check, PyTorch gradcheck's by default: a central-difference step
 * `eps` and the pass rule `|analytic - numeric| <= atol + rtol * |numeric|`, all in float64.
 */
import { InvalidArgumentError } from '../core/index.js';

export interface Tolerance {
  /** Central-difference step h in (f(x + h t) - f(x - h t)) / 2h. */
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
}

/** PyTorch's `torch.autograd.gradcheck` defaults for float64 inputs. */
export const defaultTolerance: Tolerance = Object.freeze({ eps: 1e-6, atol: 1e-5, rtol: 1e-3 });

/** Reads eps/atol/rtol from `partial` (other fields ignored), fills unset ones from the defaults, and refuses steps or tolerances that cannot work. */
export const resolveTolerance = (api: string, partial: Partial<Tolerance>): Tolerance => {
  const tolerance: Tolerance = {
    eps: partial.eps ?? defaultTolerance.eps,
    atol: partial.atol ?? defaultTolerance.atol,
    rtol: partial.rtol ?? defaultTolerance.rtol,
  };
  for (const [name, value] of Object.entries(tolerance)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new InvalidArgumentError(api, `expected ${name} to be a finite number >= 0, got ${value}`);
  }
  if (tolerance.eps === 0) throw new InvalidArgumentError(api, 'expected eps > 0 (the finite-difference step), got 0');
  return tolerance;
};

/** The error allowed when comparing against `numeric`. */
export const allowedError = (numeric: number, { atol, rtol }: Tolerance): number => atol + rtol * Math.abs(numeric);

/** |a - n| / |n|, Infinity when n = 0 and a differs (reported as such, never as NaN). */
export const relativeError = (analytic: number, numeric: number): number => {
  const absolute = Math.abs(analytic - numeric);
  if (absolute === 0) return 0;
  return numeric === 0 ? Infinity : absolute / Math.abs(numeric);
};
