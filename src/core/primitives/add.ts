import { binaryDef, liftPair, type Operand } from './builders.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** `a + b` with broadcasting. Linear: the cotangent flows to both sides unchanged. */
export const addDef = binaryDef('add', (ct) => [ct, ct]);
export const add = (a: Operand, b: Operand): Tensor => bind(addDef, liftPair('add', a, b), undefined);
