/**
 * One training step as a pure function of values: `(state, batch) → { state', loss, aux }`, where
 * the state is `{ params, optState, step }`. The gradient comes from `valueAndGrad` of the loss,
 * the update from the optimizer; nothing is read back from the device, so steps can be issued
 * back to back and the loss read (asynchronously) when convenient. On a backend with scopes
 * (Backend.scope) the step's own intermediates are released when it returns, so a loss function
 * must not keep tensors it computes (ops refuse them afterwards).
 *
 * @example
 * const step = trainStep({ loss: (p: Params, b: Batch) => mse(model.apply(p, b.x), b.y), optimizer: adam() });
 * let state = initTrainState(params, adam());
 * ({ state } = step(state, batch));
 */
import { valueAndGrad, type Tensor, type Tree } from '../core/index.js';
import { mapTensors, persisted, tensorsIn } from './state-memory.js';
import { optimizerStep, type GradientTransformation } from './transform.js';

export interface TrainState<P extends Tree, S> {
  readonly params: P;
  readonly optState: S;
  /** Optimizer updates applied so far. */
  readonly step: number;
}

export interface StepResult<P extends Tree, S, Aux> {
  readonly state: TrainState<P, S>;
  /** The loss at the params BEFORE this update (what PyTorch's `loss.item()` reports), shape [] or [1]. */
  readonly loss: Tensor;
  /** The loss function's auxiliary output (e.g. logits), untraced; undefined without `hasAux`. */
  readonly aux: Aux;
}

export type TrainStep<P extends Tree, S, B, Aux> = (state: TrainState<P, S>, batch: B) => StepResult<P, S, Aux>;

/** The state before the first step: `optimizer.init(params)`, step 0. */
export const initTrainState = <P extends Tree, S>(params: P, optimizer: GradientTransformation<S>): TrainState<P, S> => ({
  params,
  optState: optimizer.init(params),
  step: 0,
});

export interface TrainStepConfig<P extends Tree, S, B> {
  /** A scalar loss (the batch mean, as PyTorch's `reduction='mean'`). */
  readonly loss: (params: P, batch: B) => Tensor;
  readonly optimizer: GradientTransformation<S>;
  readonly hasAux?: false;
}

export interface TrainStepAuxConfig<P extends Tree, S, B, Aux> {
  /** `[scalar loss, aux]`; aux is passed through (e.g. logits for a running accuracy). */
  readonly loss: (params: P, batch: B) => readonly [Tensor, Aux];
  readonly optimizer: GradientTransformation<S>;
  readonly hasAux: true;
}

export function trainStep<P extends Tree, S, B>(config: TrainStepConfig<P, S, B>): TrainStep<P, S, B, undefined>;
export function trainStep<P extends Tree, S, B, Aux>(config: TrainStepAuxConfig<P, S, B, Aux>): TrainStep<P, S, B, Aux>;
export function trainStep<P extends Tree, S, B, Aux>(
  config: TrainStepConfig<P, S, B> | TrainStepAuxConfig<P, S, B, Aux>,
): TrainStep<P, S, B, Aux | undefined> {
  const { optimizer } = config;
  const lossAndGrad =
    config.hasAux === true
      ? valueAndGrad(config.loss, { hasAux: true })
      : (() => {
          const plain = valueAndGrad(config.loss);
          return (params: P, batch: B): readonly [readonly [Tensor, undefined], P] => {
            const [loss, grads] = plain(params, batch);
            return [[loss, undefined], grads];
          };
        })();
  return (state, batch) => {
    // Buffers made during the step (activations, cotangents, gradients) are released when it
    // ends, on backends with scopes; what it returns is persisted first.
    const scope = tensorsIn(state.params)[0]?.backend.scope?.();
    try {
      const [[loss, aux], grads] = lossAndGrad(state.params, batch);
      const [params, optState] = optimizerStep(optimizer, grads, state.optState, state.params);
      const result = { state: { params, optState, step: state.step + 1 }, loss, aux };
      return scope === undefined ? result : mapTensors(result, (t) => (scope.owns(t.buffer) ? persisted(t) : t));
    } finally {
      scope?.end();
    }
  };
}
