import { binaryDef, liftPair, type Operand } from './builders.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/**
 * `x` where `gate > 0`, else 0, with broadcasting: the ReLU backward in one pass (the dense
 * layer's VJP masks its cotangent by its output with it) instead of a comparison and a product.
 * Linear in `x` (its VJP masks the cotangent the same way); piecewise constant in `gate`.
 */
export const maskPositiveDef = binaryDef('maskPositive', (ct, { inputs: [, gate] }) => [maskPositive(ct, gate), undefined]);
export const maskPositive = (x: Operand, gate: Operand): Tensor => bind(maskPositiveDef, liftPair('maskPositive', x, gate), undefined);
