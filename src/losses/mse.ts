/**
 * Mean squared error, PyTorch's `MSELoss`: the squared difference per element, averaged over ALL
 * elements (batch and features alike), with no 1/2 factor.
 */
import { ShapeError, commonBackend, formatShape, shapesEqual, square, sub, type Tensor } from '../core/index.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface MseOptions {
  /** Default 'mean'. */
  readonly reduction?: Reduction;
}

/**
 * (prediction - target)^2 per element. 'none' returns it in the inputs' shape; 'mean' returns
 * sum / (number of elements) and 'sum' the plain sum, both of shape [].
 *
 * Difference from PyTorch: the two shapes must be equal. PyTorch broadcasts them with a warning,
 * which silently turns predictions [N, 1] and targets [N] into an [N, N] loss; we refuse instead.
 *
 * @example
 * mse(model(x), y);                       // [], x: [N, 1], y: [N, 1]
 * mse(prediction, target, { reduction: 'sum' });
 */
export const mse = (prediction: Tensor, target: Tensor, options: MseOptions = {}): Tensor => {
  const reduction = checkReduction('mse', options.reduction ?? 'mean');
  if (!shapesEqual(prediction.shape, target.shape)) {
    throw new ShapeError(
      'mse',
      `expected prediction and target of the same shape, got prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)} (reshape one; mse does not broadcast)`,
    );
  }
  commonBackend('mse', [prediction, target]);
  return reduceLoss(square(sub(prediction, target)), reduction);
};
