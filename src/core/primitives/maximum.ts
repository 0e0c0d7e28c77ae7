import { binaryDef, liftPair, type Operand } from './builders.js';
import { compare } from './compare.js';
import { mul } from './mul.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/**
 * Elementwise max with broadcasting. On a tie the gradient goes to `b`, so that
 * `relu(x) = maximum(x, 0)` has relu'(0) = 0 as in PyTorch.
 */
export const maximumDef = binaryDef('maximum', (ct, { inputs: [a, b] }) => [
  mul(ct, compare('greater', a, b)),
  mul(ct, compare('greaterEqual', b, a)),
]);
export const maximum = (a: Operand, b: Operand): Tensor => bind(maximumDef, liftPair('maximum', a, b), undefined);
