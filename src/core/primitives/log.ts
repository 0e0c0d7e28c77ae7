import { unaryDef } from './builders.js';
import { div } from './div.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

/** Natural log (NaN below 0, -Infinity at 0, as in IEEE arithmetic). */
export const logDef = unaryDef('log', (ct, { inputs: [x] }) => [div(ct, x)]);
export const log = (x: Tensor): Tensor => bind(logDef, [x], undefined);
