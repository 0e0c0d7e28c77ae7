import { unaryDef } from './builders.js';
import { mul } from './mul.js';
import { bind } from './primitive.js';
import { sub } from './sub.js';
import type { Tensor } from '../tensor.js';

/** Hyperbolic tangent; a primitive because 2 sigmoid(2x) - 1 loses precision near 0. */
export const tanhDef = unaryDef('tanh', (ct, { out }) => [mul(ct, sub(1, mul(out, out)))]);
export const tanh = (x: Tensor): Tensor => bind(tanhDef, [x], undefined);
