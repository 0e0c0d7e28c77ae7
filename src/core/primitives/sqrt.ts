import { unaryDef } from './builders.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** Square root; d/dx = 1 / (2 sqrt(x)). */
export const sqrtDef = unaryDef('sqrt', (ct, { out }) => [div(ct, mul(out, 2))]);
export const sqrt = (x: Tensor): Tensor => bind(sqrtDef, [x], undefined);
