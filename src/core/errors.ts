/**
 * Named error classes for purenet. Every message names the API, what was expected and what was
 * received, so that a user can fix the call without reading purenet's source.
 */

/** Base class: `api` names the function or layer that refused its input. */
export class PurenetError extends Error {
  constructor(readonly api: string, message: string) {
    super(`${api}: ${message}`);
    this.name = 'PurenetError';
  }
}

/** A tensor shape did not fit the operation (wrong rank, mismatched sizes, no broadcast). */
export class ShapeError extends PurenetError {
  constructor(api: string, message: string) {
    super(api, message);
    this.name = 'ShapeError';
  }
}

/** An argument that is not a shape was out of its domain (a label out of range, a negative size). */
export class InvalidArgumentError extends PurenetError {
  constructor(api: string, message: string) {
    super(api, message);
    this.name = 'InvalidArgumentError';
  }
}

/** Tensors from two backends met in one operation, or a backend could not run. */
export class BackendError extends PurenetError {
  constructor(api: string, message: string) {
    super(api, message);
    this.name = 'BackendError';
  }
}
