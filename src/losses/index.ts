/**
 * Losses as pure folds over a batch: a per-example (or per-element) loss composed from core
 * primitives, then PyTorch's reduction ('mean' by default). Every loss is synchronous, returns a
 * Tensor ([] when reduced) and is differentiated by `valueAndGrad` like any other function.
 *
 * @example
 * const [loss, grads] = valueAndGrad((p: Params) => crossEntropy(model.apply(p, x), labels))(params);
 */
export { type Reduction, reduceLoss } from './reduction.js';
export { type Labels, type ClassWeights } from './class-targets.js';
export { mse, type MseOptions } from './mse.js';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { nll, type NllOptions } from './nll.js';
export { binaryCrossEntropyWithLogits, type BinaryCrossEntropyOptions, type ElementWeights } from './binary-cross-entropy.js';
export { gaussianNll, gaussianNllLogVar, checkVariance, type GaussianNllOptions, type GaussianNllLogVarOptions } from './gaussian-nll.js';
