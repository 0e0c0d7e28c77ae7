/**
 * The core's curated surface, for the layers above it (layers, losses, train, io, testing) and
 * for src/index.ts. Explicit named re-exports only.
 */
export type { AdamHyper, Backend, BackendName, BufferScope, DType, DeviceBuffer, MatmulSpec, MatmulEpilogue, CrossEntropyTargets, UnaryOp, BinaryOp, ReduceOp } from './backend/backend.js';
export { cpuBackend, type CpuBackend, type CpuBackendOptions } from './backend/cpu.js';
export { referenceBackend } from './backend/reference.js';
export { gpujsBackend, type GpujsBackend, type GpujsBackendOptions, type GpujsMode, type GpujsModeOption } from './backend/gpujs/gpujs-backend.js';
export { PurenetError, ShapeError, InvalidArgumentError, BackendError } from './errors.js';
export { type Shape, sizeOf, stridesOf, shapesEqual, formatShape, broadcastShapes, normaliseAxes } from './shape.js';
export { type Tensor, type Node, tensor, scalar, full, zeros, ones, toArray, item, toBackend, commonBackend, isTensor, fromBuffer } from './tensor.js';
export { type Tree, type TreeOf, flattenTree, unflattenTree, treeLeaves, treeMap, treeZip } from './tree.js';
export { type Key, key, keyFromWords, split, foldIn, uniformValues, normalValues, permutation, normal, uniform, bernoulli } from './random.js';
export { vjp, type Pullback } from './autodiff/vjp.js';
export { valueAndGrad, grad } from './autodiff/grad.js';
export { customVjp, type CustomVjpRules } from './autodiff/custom-vjp.js';
export { sumToShape } from './autodiff/backward.js';
export { type PrimitiveDef, type VjpContext, bind, detach } from './primitives/primitive.js';
export { primitives, type PrimitiveName } from './primitives/table.js';
export { type Operand } from './primitives/builders.js';
export { add } from './primitives/add.js';
export { sub } from './primitives/sub.js';
export { mul } from './primitives/mul.js';
export { div } from './primitives/div.js';
export { maximum } from './primitives/maximum.js';
export { maskPositive } from './primitives/mask-positive.js';
export { compare, type Comparison } from './primitives/compare.js';
export { neg } from './primitives/neg.js';
export { exp } from './primitives/exp.js';
export { log } from './primitives/log.js';
export { log1p } from './primitives/log1p.js';
export { sqrt } from './primitives/sqrt.js';
export { tanh } from './primitives/tanh.js';
export { erf } from './primitives/erf.js';
export { stopGradient } from './primitives/stop-gradient.js';
export { sum, type ReduceOptions } from './primitives/sum.js';
export { max } from './primitives/max.js';
export { reshape } from './primitives/reshape.js';
export { broadcastTo } from './primitives/broadcast-to.js';
export { transpose } from './primitives/transpose.js';
export { concat } from './primitives/concat.js';
export { slice } from './primitives/slice.js';
export { matmul, type MatmulOptions } from './primitives/matmul.js';
export { linear, type LinearActivation } from './primitives/linear.js';
export { softmaxCrossEntropy, checkLabels } from './primitives/softmax-cross-entropy.js';
export { mean, square, logSumExp } from './ops.js';
