import { binaryDef, liftPair, type Operand } from './builders.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** `a * b` elementwise with broadcasting. Bilinear: each side's cotangent is ct times the other. */
export const mulDef = binaryDef('mul', (ct, { inputs: [a, b] }) => [mul(ct, b), mul(ct, a)]);
export const mul = (a: Operand, b: Operand): Tensor => bind(mulDef, liftPair('mul', a, b), undefined);
