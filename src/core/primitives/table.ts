/**
 * The closed set of primitives. Everything else in purenet (activations, losses, layers) is
 * composed from these and needs no gradient rule of its own. The mapped type makes a name without
 * a definition a compile error; test/properties enumerates this table, so a primitive added here
 * is certified by every property suite without further work.
 */
import { addDef } from './add.js';
import { broadcastToDef } from './broadcast-to.js';
import { compareDef } from './compare.js';
import { concatDef } from './concat.js';
import { divDef } from './div.js';
import { erfDef } from './erf.js';
import { expDef } from './exp.js';
import { linearDef } from './linear.js';
import { logDef } from './log.js';
import { log1pDef } from './log1p.js';
import { matmulDef } from './matmul.js';
import { maxDef } from './max.js';
import { maskPositiveDef } from './mask-positive.js';
import { maximumDef } from './maximum.js';
import { mulDef } from './mul.js';
import { negDef } from './neg.js';
import type { PrimitiveDef } from './primitive.js';
import { reshapeDef } from './reshape.js';
import { sliceDef } from './slice.js';
import { softmaxCrossEntropyDef } from './softmax-cross-entropy.js';
import { sqrtDef } from './sqrt.js';
import { stopGradientDef } from './stop-gradient.js';
import { subDef } from './sub.js';
import { sumDef } from './sum.js';
import { tanhDef } from './tanh.js';
import { transposeDef } from './transpose.js';

export type PrimitiveName =
  | 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'compare' | 'maskPositive'
  | 'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'tanh' | 'erf' | 'stopGradient'
  | 'sum' | 'max' | 'reshape' | 'broadcastTo' | 'transpose' | 'concat' | 'slice'
  | 'matmul' | 'linear' | 'softmaxCrossEntropy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own params type
export const primitives: { readonly [P in PrimitiveName]: PrimitiveDef<any, any> } = {
  add: addDef,
  sub: subDef,
  mul: mulDef,
  div: divDef,
  maximum: maximumDef,
  compare: compareDef,
  maskPositive: maskPositiveDef,
  neg: negDef,
  exp: expDef,
  log: logDef,
  log1p: log1pDef,
  sqrt: sqrtDef,
  tanh: tanhDef,
  erf: erfDef,
  stopGradient: stopGradientDef,
  sum: sumDef,
  max: maxDef,
  reshape: reshapeDef,
  broadcastTo: broadcastToDef,
  transpose: transposeDef,
  concat: concatDef,
  slice: sliceDef,
  matmul: matmulDef,
  linear: linearDef,
  softmaxCrossEntropy: softmaxCrossEntropyDef,
};
