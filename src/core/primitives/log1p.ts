import { add } from './add.js';
import { unaryDef } from './builders.js';
import { div } from './div.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** log(1 + x), accurate for small x (binary cross-entropy's softplus needs it). */
export const log1pDef = unaryDef('log1p', (ct, { inputs: [x] }) => [div(ct, add(x, 1))]);
export const log1p = (x: Tensor): Tensor => bind(log1pDef, [x], undefined);
