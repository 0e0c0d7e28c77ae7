/**
 * purenet: a functional, immutable deep-learning library. Layers are pure functions over
 * immutable parameter trees, gradients come from `vjp` / `valueAndGrad` through a small closed set
 * of primitives, losses are folds, optimizers are `{ init, update }` pairs, training is a fold.
 * Explicit named exports only: this list IS the public API.
 *
 * @example
 * import { adam, cpuBackend, crossEntropy, dense, fit, key, relu, sequential } from 'purenet';
 * const model = sequential({ lin_1: dense(784, 256, { init: 'kaimingNormal' }), act: relu, lin_2: dense(256, 10, { init: 'kaimingNormal' }) });
 * const params = model.init(key(0), cpuBackend());   // { lin_1: { weight: [256, 784], bias: [256] }, lin_2: ... }
 */

// core
export {
  cpuBackend, referenceBackend, gpujsBackend, PurenetError, ShapeError, InvalidArgumentError, BackendError,
  sizeOf, stridesOf, shapesEqual, formatShape, broadcastShapes, normaliseAxes, tensor, scalar, full, zeros,
  ones, toArray, item, toBackend, isTensor, flattenTree, unflattenTree, treeLeaves, treeMap, treeZip, key,
  keyFromWords, split, foldIn, uniformValues, normalValues, permutation, normal, uniform, bernoulli, vjp,
  valueAndGrad, grad, customVjp, add, sub, mul, div, maximum, maskPositive, compare, neg, exp, log, log1p, sqrt, erf,
  stopGradient, sum, max, reshape, broadcastTo, transpose, concat, slice, matmul, linear,
  softmaxCrossEntropy, mean, square, logSumExp, type Backend, type BackendName, type DType, type CpuBackend,
  type CpuBackendOptions, type GpujsBackend, type GpujsBackendOptions, type GpujsMode, type GpujsModeOption,
  type Shape, type Tensor, type Tree, type TreeOf, type Key, type Pullback, type CustomVjpRules,
  type Operand, type Comparison, type ReduceOptions, type MatmulOptions, type LinearActivation
} from './core/index.js';

// layers
export {
  evalContext, trainContext, isFusable, calculateGain, computeFans, kaimingNormal, kaimingUniform,
  xavierNormal, xavierUniform, torchLinearDefault, zerosInit, constantInit, initializers, relu, leakyRelu,
  sigmoid, logSigmoid, tanh, gelu, softplus, softmax, logSoftmax, dense, dropout, sequential, parallel,
  addAll, multiplyAll, concatAll, residual, map as mapBatch, dim, checkShape, checkFeatures, assertShape,
  summary, formatSummary, type ApplyContext, type Layer, type FusableLayer, type FusedActivation,
  type NoParams, type ParamsOf, type InputOf, type OutputOf, type ShapePreservingLayer, type Fans,
  type Initializer, type Nonlinearity, type KaimingOptions, type XavierOptions, type GeluOptions,
  type DenseOptions, type DenseInit, type DenseParams, type DenseParamsNoBias, type DenseLayer,
  type DropoutOptions, type SequentialEntry, type SequentialParams, type TypedSequential,
  type SequentialStart, type WithEntry, type EntryInput, type EntryOutput, type EntryNameError,
  type AcceptsInput, type ParallelOptions, type ParallelInput, type ParallelOutputs, type BranchesAgree,
  type MergeContext, type RowwiseMerge, type ConcatShape, type ResidualOptions, type ResidualLayer,
  type ResidualEntry, type MapOptions, type MappedLayer, type Batched, type ShapePattern, type PatternShape,
  type ShapeMismatch, type Dim, type ShapeOf, type Fits, type FormatShape, type PreservesShape, type Add,
  type ModelSummary, type ParameterInfo
} from './layers/index.js';

// losses
export {
  reduceLoss, mse, crossEntropy, nll, binaryCrossEntropyWithLogits, gaussianNll, gaussianNllLogVar,
  checkVariance, type Reduction, type Labels, type ClassWeights, type MseOptions, type CrossEntropyOptions,
  type NllOptions, type BinaryCrossEntropyOptions, type ElementWeights, type GaussianNllOptions,
  type GaussianNllLogVarOptions
} from './losses/index.js';

// train
export {
  identity, chain, applyUpdates, optimizerStep, scale, scaleByLearningRate, scaleByAdam, traceMomentum,
  addDecayedWeights, clipByGlobalNorm, globalNorm, sgd, adam, adamw, constantSchedule, stepSchedule,
  exponentialDecay, cosineDecay, linearSchedule, joinSchedules, dataset, take, drop, subset, batchCount,
  shuffledBatches, sequentialBatches, initTrainState, trainStep, fit, NonFiniteLossError, foldMetric,
  argmaxRows, accuracy, meanLoss, evaluate, type GradientTransformation, type StateOf, type EmptyState,
  type CountState, type AdamState, type AdamOptions, type TraceState, type MomentumOptions, type DecayMask,
  type SgdOptions, type SgdState, type AdamOptimizerOptions, type AdamChainState, type AdamWState,
  type Schedule, type Dataset, type DatasetSpec, type LabelArray, type HostBatch, type Batches,
  type BatchOptions, type TrainState, type StepResult, type TrainStep, type TrainStepConfig,
  type TrainStepAuxConfig, type StepInfo, type EpochInfo, type EpochMetrics, type EpochRecord,
  type FitResult, type FitOptions, type FitAuxOptions, type MetricFold, type AccuracyInput,
  type AccuracyState, type LossInput, type WeightedSum, type Evaluation, type EvaluateOptions
} from './train/index.js';

// io
export {
  idxError, formatIdxError, parseIdx, encodeIdx, readIdxFile, isGzip, mnistFileNames, defaultMnistDir,
  locateMnistFiles, loadMnist, mnistFromIdx, nonNegativeInteger, uint32, entries, exactPartial, jsonString,
  jsonScalar, keyError, concatErrors, duplicateKeys, readConfigFile, decodeConfigText, safetensorsError,
  formatSafetensorsError, safetensorsDTypes, dtypeBytes, floatDTypes, safetensorsHeaderCodec, checkLayout,
  MAX_HEADER_BYTES, encodeSafetensors, decodeSafetensors, decodeSafetensorsHeader, CHECKSUM_KEY, crc32,
  contentChecksum, encodeParams, loadStateDict, flattenState, CHECKPOINT_FORMAT, OPTIMIZER_PREFIX,
  checkpointMetadataDecoder, encodeCheckpoint, decodeCheckpoint, checkpointConfig, restoreCheckpoint,
  nodeFileSystem, writeFileAtomic, checkWritableTarget, readSafetensorsFile, saveParams, loadParams,
  saveCheckpoint, readCheckpointFile, loadCheckpoint, type IdxError, type IdxErrorTag, type IdxArray,
  type IdxArrayOf, type IdxDataOf, type IdxDType, type ParseIdxOptions, type MnistFiles, type MnistPart,
  type Mnist, type MnistSplit, type MnistOptions, type MnistSizeOptions, type MnistFromIdxOptions,
  type MnistIdx, type JsonScalar, type ConfigError, type SafetensorsError, type SafetensorsErrorTag,
  type SafetensorsDType, type FloatDType, type WritableDType, type HeaderEntry, type SafetensorsHeader,
  type SafetensorsTensor, type Safetensors, type TensorToWrite, type EncodeSafetensorsOptions,
  type DecodeSafetensorsOptions, type DecodedHeader, type EncodeParamsOptions, type LoadStateDictOptions,
  type FlatState, type StateProblem, type DataPosition, type TrainingCheckpoint, type CheckpointContents,
  type CheckpointTemplate, type CheckpointSourceOptions, type AtomicFileSystem, type WritableFile,
  type WriteError, type AtomicWriteOptions, type WriteOptions
} from './io/index.js';
