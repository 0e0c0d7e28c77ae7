/**
 * Training's own failure: a loss that is NaN or ±Infinity. It names where (epoch, step, batch)
 * and carries the state the loss was computed at, so the run can be inspected or resumed from it.
 */
import { PurenetError, type Tree } from '../core/index.js';
import type { TrainState } from './step.js';

export class NonFiniteLossError extends PurenetError {
  constructor(
    api: string,
    /** 0-based epoch. */
    readonly epoch: number,
    /** 0-based global step (updates applied before this one). */
    readonly step: number,
    /** 0-based batch within the epoch. */
    readonly batchIndex: number,
    readonly batches: number,
    readonly loss: number,
    /** The state whose params gave the non-finite loss (before the step's update). */
    readonly state: TrainState<Tree, unknown>,
  ) {
    super(
      api,
      `non-finite loss ${loss} at epoch ${epoch}, step ${step} (batch ${batchIndex} of ${batches} in the epoch; all counted from 0); ` +
        'lower the learning rate, clip the gradients (clipByGlobalNorm) or check the data for NaN/Infinity',
    );
    this.name = 'NonFiniteLossError';
  }
}
