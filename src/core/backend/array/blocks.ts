/**
 * Block copies over JS typed arrays: `concat` and `slice`. Both reduce to copying contiguous runs:
 * axes after the concat axis (or after the last partially sliced axis) are one run each, so the
 * common layouts (joining features on the last axis, batches on the first, taking rows) are a few
 * `set` calls or short loops, never a per-element index computation.
 */
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { FloatArray, FloatArrayConstructor } from './kernels.js';

/** Runs shorter than this are copied by a loop: a subarray view costs more than a few moves. */
const SHORT_RUN = 32;

const copyRun = (out: FloatArray, to: number, x: FloatArray, from: number, length: number): void => {
  if (length < SHORT_RUN) for (let j = 0; j < length; j++) out[to + j] = x[from + j];
  else out.set(x.subarray(from, from + length), to);
};

/** Inputs joined along `axis`: per input, `outer` runs of shape[axis] * inner values each. */
export const concat = (Out: FloatArrayConstructor, inputs: readonly { readonly x: FloatArray; readonly shape: Shape }[], axis: number, outShape: Shape): FloatArray => {
  const out = new Out(sizeOf(outShape));
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const outRun = outShape[axis] * inner;
  let offset = 0;
  for (const { x, shape } of inputs) {
    const run = shape[axis] * inner;
    if (outer === 1) copyRun(out, offset, x, 0, run);
    else if (run > 0) for (let o = 0; o < outer; o++) copyRun(out, o * outRun + offset, x, o * run, run);
    offset += run;
  }
  return out;
};

/** The block of `x` at `begin` of shape `outShape`: one contiguous run per index of the leading axes. */
export const slice = (Out: FloatArrayConstructor, x: FloatArray, shape: Shape, begin: readonly number[], outShape: Shape): FloatArray => {
  const size = sizeOf(outShape);
  const out = new Out(size);
  if (size === 0) return out;
  // Axes from `split` on are copied whole per run: all of them but the first are taken in full.
  let split = Math.max(0, shape.length - 1);
  while (split > 0 && outShape[split] === shape[split]) split--;
  const strides = stridesOf(shape);
  const run = sizeOf(outShape.slice(split));
  let start = 0;
  for (let a = 0; a < shape.length; a++) start += begin[a] * strides[a];
  const counter = new Array<number>(split).fill(0);
  let from = start;
  for (let to = 0; to < size; to += run) {
    copyRun(out, to, x, from, run);
    for (let a = split - 1; a >= 0; a--) {
      counter[a]++;
      from += strides[a];
      if (counter[a] < outShape[a]) break;
      from -= strides[a] * outShape[a];
      counter[a] = 0;
    }
  }
  return out;
};
