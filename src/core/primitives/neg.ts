import { unaryDef } from './builders.js';
import { bind } from './primitive.js';
import type { Tensor } from '../tensor.js';

export const negDef = unaryDef('neg', (ct) => [neg(ct)]);
export const neg = (x: Tensor): Tensor => bind(negDef, [x], undefined);
