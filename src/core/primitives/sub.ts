import { binaryDef, liftPair, type Operand } from './builders.js';
import { neg } from './neg.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** `a - b` with broadcasting. */
export const subDef = binaryDef('sub', (ct) => [ct, neg(ct)]);
export const sub = (a: Operand, b: Operand): Tensor => bind(subDef, liftPair('sub', a, b), undefined);
