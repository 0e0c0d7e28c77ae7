/**
 * @internal Hyper-parameter checks shared by the transformations and optimizers: each message
 * names the API, the parameter, its domain and the value received.
 */
import { InvalidArgumentError } from '../core/index.js';

export const checkNonNegative = (api: string, name: string, value: number): number => {
  if (!(Number.isFinite(value) && value >= 0)) throw new InvalidArgumentError(api, `expected ${name} ≥ 0 (finite), got ${value}`);
  return value;
};

export const checkPositive = (api: string, name: string, value: number): number => {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError(api, `expected ${name} > 0 (finite), got ${value}`);
  return value;
};

export const checkFinite = (api: string, name: string, value: number): number => {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(api, `expected a finite ${name}, got ${value}`);
  return value;
};

/** Exponential-average decay rates (Adam's betas, momentum's dampening): [0, 1). */
export const checkUnitInterval = (api: string, name: string, value: number): number => {
  if (!(value >= 0 && value < 1)) throw new InvalidArgumentError(api, `expected ${name} in [0, 1), got ${value}`);
  return value;
};

export const checkPositiveInteger = (api: string, name: string, value: number): number => {
  if (!(Number.isSafeInteger(value) && value > 0)) throw new InvalidArgumentError(api, `expected ${name} to be a positive integer, got ${value}`);
  return value;
};
