/**
 * Training: optimizers as gradient transformations (Optax's model with PyTorch's numbers),
 * schedules, datasets and seeded batching, the training step and `fit` as folds, and metrics as
 * folds. Explicit named exports only.
 */
export { type GradientTransformation, type StateOf, type EmptyState, identity, chain, applyUpdates, optimizerStep } from './transform.js';
export { scale, scaleByLearningRate, type CountState } from './scale.js';
export { scaleByAdam, type AdamState, type AdamOptions } from './adam.js';
export { traceMomentum, type TraceState, type MomentumOptions } from './momentum.js';
export { addDecayedWeights, type DecayMask } from './weight-decay.js';
export { clipByGlobalNorm, globalNorm } from './clip.js';
export {
  sgd,
  adam,
  adamw,
  type SgdOptions,
  type SgdState,
  type AdamOptimizerOptions,
  type AdamChainState,
  type AdamWState,
} from './optimizers.js';
export { type Schedule, constantSchedule, stepSchedule, exponentialDecay, cosineDecay, linearSchedule, joinSchedules } from './schedules.js';
export { type Dataset, type DatasetSpec, type LabelArray, dataset, take, drop, subset } from './dataset.js';
export { type HostBatch, type Batches, type BatchOptions, batchCount, shuffledBatches, sequentialBatches } from './batches.js';
export {
  type TrainState,
  type StepResult,
  type TrainStep,
  type TrainStepConfig,
  type TrainStepAuxConfig,
  initTrainState,
  trainStep,
} from './step.js';
export {
  type StepInfo,
  type EpochInfo,
  type EpochMetrics,
  type EpochRecord,
  type FitResult,
  type FitOptions,
  type FitAuxOptions,
  fit,
} from './fit.js';
export { NonFiniteLossError } from './errors.js';
export {
  type MetricFold,
  type AccuracyInput,
  type AccuracyState,
  type LossInput,
  type WeightedSum,
  foldMetric,
  argmaxRows,
  accuracy,
  meanLoss,
} from './metrics.js';
export { type Evaluation, type EvaluateOptions, evaluate } from './evaluate.js';
