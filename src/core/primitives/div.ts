import { binaryDef, liftPair, type Operand } from './builders.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** `a / b` with broadcasting. d/da = 1/b; d/db = -a/b^2 = -out/b. */
export const divDef = binaryDef('div', (ct, { inputs: [, b], out }) => {
  const ctOverB = div(ct, b);
  return [ctOverB, neg(mul(ctOverB, out))];
});
export const div = (a: Operand, b: Operand): Tensor => bind(divDef, liftPair('div', a, b), undefined);
