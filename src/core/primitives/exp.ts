import { unaryDef } from './builders.js';
import { mul } from './mul.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** exp(x); its derivative is its own output. */
export const expDef = unaryDef('exp', (ct, { out }) => [mul(ct, out)]);
export const exp = (x: Tensor): Tensor => bind(expDef, [x], undefined);
