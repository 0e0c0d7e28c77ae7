import { unaryDef } from './builders.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);

/** The error function (PyTorch's exact GELU needs it); d/dx = 2/sqrt(pi) exp(-x^2). */
export const erfDef = unaryDef('erf', (ct, { inputs: [x] }) => [mul(ct, mul(exp(neg(mul(x, x))), twoOverSqrtPi))]);
export const erf = (x: Tensor): Tensor => bind(erfDef, [x], undefined);
