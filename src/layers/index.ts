/**
 * The layers' curated surface: layers as values (`{ init, apply }` over immutable parameter
 * trees), activations as plain tensor functions, initialisers with explicit keys, combinators that
 * keep literal sizes in the types (sequential, parallel, residual, map) and boundary checks that
 * bring run-time sizes into them (checkShape, checkFeatures, dim). Explicit named
 * exports only. The initialisers `zeros` and `constant` are exported as `zerosInit` and
 * `constantInit` so they do not collide with core's `zeros(backend, shape)`; `initializers`
 * holds all of them under their short names.
 */
export {
  type ApplyContext,
  type Layer,
  type FusableLayer,
  type FusedActivation,
  type NoParams,
  type ParamsOf,
  type InputOf,
  type OutputOf,
  type ShapePreservingLayer,
  evalContext,
  trainContext,
  isFusable,
} from './layer.js';
export {
  type Fans,
  type Initializer,
  type Nonlinearity,
  type KaimingOptions,
  type XavierOptions,
  calculateGain,
  computeFans,
  kaimingNormal,
  kaimingUniform,
  xavierNormal,
  xavierUniform,
  torchLinearDefault,
  zeros as zerosInit,
  constant as constantInit,
} from './init.js';
export { initializers } from './initializers.js';
export { relu, leakyRelu, sigmoid, logSigmoid, tanh, gelu, type GeluOptions, softplus, softmax, logSoftmax } from './activations.js';
export { dense, type DenseOptions, type DenseInit, type DenseParams, type DenseParamsNoBias, type DenseLayer } from './dense.js';
export { dropout, type DropoutOptions } from './dropout.js';
export { sequential, type SequentialEntry, type SequentialParams } from './sequential.js';
export { type TypedSequential, type SequentialStart, type WithEntry } from './typed-sequential.js';
export { type EntryInput, type EntryOutput, type EntryNameError, type AcceptsInput } from './entry-types.js';
export { parallel, type ParallelOptions, type ParallelInput, type ParallelOutputs, type BranchesAgree } from './parallel.js';
export { addAll, multiplyAll, concatAll, type MergeContext, type RowwiseMerge, type ConcatShape } from './merges.js';
export { residual, type ResidualOptions, type ResidualLayer, type ResidualEntry } from './residual.js';
export { map, type MapOptions, type MappedLayer, type Batched } from './map.js';
export { dim, checkShape, checkFeatures, assertShape, type ShapePattern, type PatternShape } from './shape-check.js';
export { type ShapeMismatch, type Dim, type ShapeOf, type Fits, type FormatShape, type PreservesShape, type Add } from './shape-types.js';
export { summary, formatSummary, type ModelSummary, type ParameterInfo } from './summary.js';
