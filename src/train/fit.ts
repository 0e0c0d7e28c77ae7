/**
 * Training as an async fold over epochs and batches: `state ← step(state, batch)`, starting from
 * `optimizer.init(params)`. Epoch e's randomness depends on `(key, e)` only — its shuffle key and
 * its per-step keys come from `foldIn(key, e)` — so any epoch can be replayed or resumed alone.
 * Reading a loss is asynchronous (a WebGPU readback): step t+1 is issued before step t's loss is
 * awaited, so a readback overlaps the next step instead of serialising the loop. A non-finite
 * loss stops the fold with a NonFiniteLossError.
 *
 * On a backend that recycles buffers (`release` and `persist`, the cpu backend), fit releases the
 * optimizer state and params of each step once nothing of its own needs them, so the state of
 * the next step is written where the old one was instead of into fresh arrays. What it hands out
 * (the callbacks' state and aux, the error's state, the result) is made durable first and never
 * released. Each batch from `toBatch` is released after its step, too. Only a loss function or a
 * `toBatch` that keeps its tensors somewhere can notice: a released tensor makes every op throw.
 *
 * @example
 * const { params: trained, history } = await fit({
 *   params, optimizer: adam({ lr: 1e-3 }), loss, train, batchSize: 64, epochs: 10, key: key(0), backend: cpu,
 *   toBatch: (b, backend) => ({ x: tensor(backend, b.x, b.xShape), labels: b.y }),
 * });
 */
import { foldIn, InvalidArgumentError, item, split, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { batchCount, shuffledBatches, type HostBatch } from './batches.js';
import type { Dataset, LabelArray } from './dataset.js';
import { NonFiniteLossError } from './errors.js';
import { durable, retire } from './state-memory.js';
import { trainStep, type TrainState } from './step.js';
import type { GradientTransformation } from './transform.js';

export interface StepInfo<P extends Tree, S, Aux> {
  readonly epoch: number;
  /** 0-based global step of this update. */
  readonly step: number;
  readonly batchIndex: number;
  readonly batches: number;
  /** Examples in the batch. */
  readonly size: number;
  /** The batch loss, read back as a float64 number. */
  readonly loss: number;
  readonly aux: Aux;
  /** The state after this step's update (read it during the callback; it is copied when read). */
  readonly state: TrainState<P, S>;
}

export interface EpochInfo<P extends Tree, S> {
  readonly epoch: number;
  /** Sample-weighted mean of the epoch's batch losses. */
  readonly loss: number;
  readonly steps: number;
  readonly samples: number;
  readonly state: TrainState<P, S>;
}

/** Named numbers an `onEpoch` callback may return (e.g. validation accuracy); kept in the history. */
export type EpochMetrics = Readonly<Record<string, number>>;

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly steps: number;
  readonly samples: number;
  /** Batch losses in step order. */
  readonly stepLosses: Float64Array;
  readonly metrics: EpochMetrics;
}

export interface FitResult<P extends Tree, S> {
  readonly params: P;
  readonly optState: S;
  /** Updates applied in total (including epochs before `startEpoch`). */
  readonly step: number;
  readonly history: readonly EpochRecord[];
}

interface FitBase<P extends Tree, S, B, L extends LabelArray, Aux> {
  readonly params: P;
  readonly optimizer: GradientTransformation<S>;
  readonly train: Dataset<L>;
  readonly batchSize: number;
  /** Train until this epoch count (epochs `startEpoch .. epochs - 1`). */
  readonly epochs: number;
  readonly key: Key;
  readonly backend: Backend;
  /** Moves a host batch to the backend in the loss's batch form; `key` is this step's own key (dropout). */
  readonly toBatch: (batch: HostBatch<L>, backend: Backend, key: Key) => B;
  readonly dropLast?: boolean;
  /** Resume: the optimizer state to start from (default `optimizer.init(params)`). */
  readonly optState?: S;
  /** Resume: the first epoch to run (default 0); its shuffle is the one an uninterrupted run would use. */
  readonly startEpoch?: number;
  readonly onStep?: (info: StepInfo<P, S, Aux>) => void | Promise<void>;
  readonly onEpoch?: (info: EpochInfo<P, S>) => void | EpochMetrics | Promise<void | EpochMetrics>;
}

export interface FitOptions<P extends Tree, S, B, L extends LabelArray> extends FitBase<P, S, B, L, undefined> {
  /** The batch-mean loss, a scalar tensor. */
  readonly loss: (params: P, batch: B) => Tensor;
  readonly hasAux?: false;
}

export interface FitAuxOptions<P extends Tree, S, B, L extends LabelArray, Aux> extends FitBase<P, S, B, L, Aux> {
  readonly loss: (params: P, batch: B) => readonly [Tensor, Aux];
  readonly hasAux: true;
}

const checkCount = (name: string, value: number, min: number): void => {
  if (!(Number.isSafeInteger(value) && value >= min)) throw new InvalidArgumentError('fit', `expected ${name} to be an integer ≥ ${min}, got ${value}`);
};

export function fit<P extends Tree, S, B, L extends LabelArray>(options: FitOptions<P, S, B, L>): Promise<FitResult<P, S>>;
export function fit<P extends Tree, S, B, L extends LabelArray, Aux>(options: FitAuxOptions<P, S, B, L, Aux>): Promise<FitResult<P, S>>;
export async function fit<P extends Tree, S, B, L extends LabelArray, Aux>(
  options: FitOptions<P, S, B, L> | FitAuxOptions<P, S, B, L, Aux>,
): Promise<FitResult<P, S>> {
  const { params, optimizer, train, batchSize, epochs, key, backend, toBatch, dropLast = false, startEpoch = 0, onEpoch } = options;
  // Aux is undefined for a plain loss; one view of the callback serves both overloads.
  const onStep = options.onStep as FitBase<P, S, B, L, Aux>['onStep'];
  checkCount('batchSize', batchSize, 1);
  checkCount('epochs', epochs, 0);
  checkCount('startEpoch', startEpoch, 0);
  if (startEpoch > epochs) throw new InvalidArgumentError('fit', `expected startEpoch ≤ epochs (${epochs}), got ${startEpoch}`);
  const batches = batchCount(train.size, batchSize, dropLast);
  if (batches === 0) {
    throw new InvalidArgumentError('fit', `expected at least one batch per epoch, got none (${train.size} examples, batchSize ${batchSize}${dropLast ? ', dropLast' : ''})`);
  }
  const step = (options.hasAux === true ? trainStep(options) : trainStep({ loss: options.loss, optimizer })) as (
    state: TrainState<P, S>,
    batch: B,
  ) => { readonly state: TrainState<P, S>; readonly loss: Tensor; readonly aux: Aux };

  let state: TrainState<P, S> = { params, optState: options.optState ?? optimizer.init(params), step: startEpoch * batches };
  // The caller's state is the caller's: only states fit made itself are released.
  const initial = state;
  const retireState = (old: TrainState<P, S>, newer: readonly TrainState<P, S>[]): void => {
    if (old !== initial) retire(old, newer);
  };
  const history: EpochRecord[] = [];
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    const [shuffleKey, stepKeys] = split(foldIn(key, epoch), 2);
    const stepLosses = new Float64Array(batches);
    let weightedLoss = 0;
    let samples = 0;

    interface Pending {
      readonly loss: Promise<number>;
      readonly batchIndex: number;
      readonly size: number;
      readonly before: TrainState<P, S>;
      readonly after: TrainState<P, S>;
      readonly aux: Aux;
    }
    const settle = async (pending: Pending): Promise<void> => {
      const loss = await pending.loss;
      if (!Number.isFinite(loss)) {
        throw new NonFiniteLossError('fit', epoch, pending.before.step, pending.batchIndex, batches, loss, durable(pending.before) as TrainState<Tree, unknown>);
      }
      stepLosses[pending.batchIndex] = loss;
      weightedLoss += loss * pending.size;
      samples += pending.size;
      if (onStep !== undefined) {
        // The state is copied only if the callback reads it (most read the loss alone).
        let after: TrainState<P, S> | undefined;
        await onStep({
          epoch, step: pending.before.step, batchIndex: pending.batchIndex, batches, size: pending.size, loss, aux: pending.aux,
          get state() {
            return (after ??= durable(pending.after));
          },
        });
      }
    };

    let pending: Pending | undefined;
    let batchIndex = 0;
    for (const host of shuffledBatches(train, batchSize, shuffleKey, { dropLast })) {
      const batch = toBatch(host, backend, foldIn(stepKeys, batchIndex));
      const result = step(state, batch);
      // The batch was this step's alone: aux is made durable first (it may hold the batch's own
      // tensors), and what the step returns keeps what it holds of it.
      const aux = durable(result.aux);
      retire(batch, [result.state, result.loss, aux]);
      const loss = item(result.loss);
      // If an earlier step throws, this readback is never awaited; mark its rejection handled.
      loss.catch(() => undefined);
      if (pending !== undefined) {
        await settle(pending);
        retireState(pending.before, [pending.after, result.state]);
      }
      pending = { loss, batchIndex, size: host.size, before: state, after: result.state, aux };
      state = result.state;
      batchIndex++;
    }
    if (pending !== undefined) {
      await settle(pending);
      retireState(pending.before, [pending.after]);
    }

    const meanLoss = weightedLoss / samples;
    const metrics = (onEpoch === undefined ? undefined : await onEpoch({ epoch, loss: meanLoss, steps: batches, samples, state: durable(state) })) ?? {};
    history.push(Object.freeze({ epoch, loss: meanLoss, steps: batches, samples, stepLosses, metrics: Object.freeze({ ...metrics }) }));
  }
  const final = durable(state);
  retireState(state, [final]);
  return { params: final.params, optState: final.optState, step: final.step, history };
}
