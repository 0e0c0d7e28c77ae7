/**
 * The layers' curated surface: layers as values (`{ init, apply }` over immutable parameter
 * trees), activations as plain tensor functions, initialisers with explicit keys. Explicit named
 * exports only. The initialisers `zeros` and `constant` are exported as `zerosInit` and
 * `constantInit` so they do not collide with core's `zeros(backend, shape)`; `initializers`
 * holds all of them under their short names.
 */
export { type ApplyContext, type Layer, type FusableLayer, type FusedActivation, type NoParams, type ParamsOf, type InputOf, type OutputOf, evalContext, trainContext, isFusable } from './layer.js';
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
export { summary, formatSummary, type ModelSummary, type ParameterInfo } from './summary.js';
