/**
 * Elementwise, broadcast, reduction, transpose and cross-entropy kernels over JS typed arrays,
 * shared by the float64 `reference` backend and the float32 `cpu` backend (they differ in the
 * array type and in their matmul). Every kernel allocates its result; no input is written.
 * Fast paths cover the layouts a training step produces (same shape, scalar, bias row, column);
 * the general path walks the output with broadcast strides.
 */
import type { AdamHyper, BinaryOp, CrossEntropyTargets, ReduceOp, UnaryOp } from '../backend.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import { BINARY, UNARY } from './math.js';
import { targetRow } from '../cross-entropy-targets.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatArrayConstructor = new (length: number) => FloatArray;

/** Strides of `shape` seen from a broadcast to `outShape` (0 on broadcast axes). */
const broadcastStrides = (shape: Shape, outShape: Shape): number[] => {
  const strides = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : strides[i - lead]));
};

/** Calls visit(outIndex, aIndex, bIndex) for every output element under broadcasting. */
const walk = (outShape: Shape, aStrides: number[], bStrides: number[], visit: (o: number, a: number, b: number) => void): void => {
  const rank = outShape.length;
  const size = sizeOf(outShape);
  const counter = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < size; o++) {
    visit(o, ia, ib);
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]++;
      ia += aStrides[axis];
      ib += bStrides[axis];
      if (counter[axis] < outShape[axis]) break;
      ia -= aStrides[axis] * outShape[axis];
      ib -= bStrides[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
};

export const unary = (Out: FloatArrayConstructor, op: UnaryOp, x: FloatArray): FloatArray => {
  const f = UNARY[op];
  const out = new Out(x.length);
  if (op === 'neg') for (let i = 0; i < x.length; i++) out[i] = -x[i];
  else if (op === 'exp') for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  else if (op === 'sqrt') for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
  else for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
};

const isSuffix = (shape: Shape, outShape: Shape): boolean => {
  const lead = outShape.length - shape.length;
  return shape.every((d, i) => d === outShape[lead + i]);
};

export const binary = (Out: FloatArrayConstructor, op: BinaryOp, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, outShape: Shape): FloatArray => {
  const f = BINARY[op];
  const size = sizeOf(outShape);
  const out = new Out(size);
  if (a.length === size && b.length === size) {
    if (op === 'add') for (let i = 0; i < size; i++) out[i] = a[i] + b[i];
    else if (op === 'mul') for (let i = 0; i < size; i++) out[i] = a[i] * b[i];
    else if (op === 'sub') for (let i = 0; i < size; i++) out[i] = a[i] - b[i];
    else if (op === 'div') for (let i = 0; i < size; i++) out[i] = a[i] / b[i];
    else for (let i = 0; i < size; i++) out[i] = f(a[i], b[i]);
  } else if (b.length === 1 && a.length === size) {
    const s = b[0];
    if (op === 'mul') for (let i = 0; i < size; i++) out[i] = a[i] * s;
    else if (op === 'add') for (let i = 0; i < size; i++) out[i] = a[i] + s;
    else if (op === 'div') for (let i = 0; i < size; i++) out[i] = a[i] / s;
    else if (op === 'greater') for (let i = 0; i < size; i++) out[i] = a[i] > s ? 1 : 0;
    else for (let i = 0; i < size; i++) out[i] = f(a[i], s);
  } else if (a.length === 1 && b.length === size) {
    const s = a[0];
    for (let i = 0; i < size; i++) out[i] = f(s, b[i]);
  } else if (a.length === size && isSuffix(bShape, outShape)) {
    const period = b.length;
    for (let i = 0; i < size; i++) out[i] = f(a[i], b[i % period]);
  } else if (b.length === size && isSuffix(aShape, outShape)) {
    const period = a.length;
    for (let i = 0; i < size; i++) out[i] = f(a[i % period], b[i]);
  } else {
    walk(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, ia, ib) => {
      out[o] = f(a[ia], b[ib]);
    });
  }
  return out;
};

export const broadcastTo = (Out: FloatArrayConstructor, x: FloatArray, shape: Shape, outShape: Shape): FloatArray => {
  const out = new Out(sizeOf(outShape));
  if (isSuffix(shape, outShape)) {
    for (let i = 0; i < out.length; i += x.length) out.set(x, i);
    return out;
  }
  const strides = broadcastStrides(shape, outShape);
  walk(outShape, strides, strides, (o, ix) => {
    out[o] = x[ix];
  });
  return out;
};

/** Reduces sorted `axes`. Sums accumulate in float64 (JS numbers) whatever the array type. */
export const reduce = (Out: FloatArrayConstructor, op: ReduceOp, x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray => {
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = sizeOf(keptShape);
  const acc = new Float64Array(outSize).fill(op === 'sum' ? 0 : -Infinity);
  const last = shape.length - 1;
  const inner = shape[last] ?? 1;
  if (axes.length === 1 && axes[0] === last && inner > 0) {
    // Row reduction over a contiguous last axis (softmax rows, per-example losses).
    for (let row = 0; row < outSize; row++) {
      let total = op === 'sum' ? 0 : -Infinity;
      const base = row * inner;
      if (op === 'sum') for (let j = 0; j < inner; j++) total += x[base + j];
      else for (let j = 0; j < inner; j++) total = x[base + j] > total || Number.isNaN(x[base + j]) ? x[base + j] : total;
      acc[row] = total;
    }
  } else if (axes.length === 1 && axes[0] === 0 && shape.length >= 1) {
    // Column reduction (bias gradients): stream rows, accumulate per column.
    const rows = shape[0];
    for (let r = 0; r < rows; r++) {
      const base = r * outSize;
      if (op === 'sum') for (let j = 0; j < outSize; j++) acc[j] += x[base + j];
      else for (let j = 0; j < outSize; j++) acc[j] = x[base + j] > acc[j] || Number.isNaN(x[base + j]) ? x[base + j] : acc[j];
    }
  } else {
    const outStrides = broadcastStrides(keptShape, shape);
    walk(shape, outStrides, outStrides, (ix, io) => {
      const v = x[ix];
      acc[io] = op === 'sum' ? acc[io] + v : v > acc[io] || Number.isNaN(v) ? v : acc[io];
    });
  }
  const out = new Out(outSize);
  out.set(acc);
  return out;
};

export const transpose = (Out: FloatArrayConstructor, x: FloatArray, shape: Shape, perm: readonly number[]): FloatArray => {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const permuted = perm.map((p) => inStrides[p]);
  const out = new Out(x.length);
  walk(outShape, permuted, permuted, (o, ix) => {
    out[o] = x[ix];
  });
  return out;
};

export const crossEntropy = (Out: FloatArrayConstructor, z: FloatArray, n: number, classes: number, t: CrossEntropyTargets): { loss: FloatArray; softmax: FloatArray } => {
  const loss = new Out(n);
  const softmax = new Out(n * classes);
  const a = new Float64Array(classes);
  for (let row = 0; row < n; row++) {
    const base = row * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = z[base + c] > m ? z[base + c] : m;
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(z[base + c] - m);
      softmax[base + c] = e;
      s += e;
    }
    for (let c = 0; c < classes; c++) softmax[base + c] /= s;
    const lse = m + Math.log(s);
    const total = targetRow(t, t.labels[row], classes, a);
    let l = 0;
    if (total !== 0) for (let c = 0; c < classes; c++) if (a[c] !== 0) l += a[c] * (lse - z[base + c]);
    loss[row] = l;
  }
  return { loss, softmax };
};

export const crossEntropyBackward = (Out: FloatArrayConstructor, softmax: FloatArray, ct: FloatArray, n: number, classes: number, t: CrossEntropyTargets): FloatArray => {
  const out = new Out(n * classes);
  const a = new Float64Array(classes);
  for (let row = 0; row < n; row++) {
    const total = targetRow(t, t.labels[row], classes, a);
    const g = ct.length === 1 ? ct[0] : ct[row];
    const base = row * classes;
    for (let c = 0; c < classes; c++) out[base + c] = g * (softmax[base + c] * total - a[c]);
  }
  return out;
};

/** One sweep of Adam over a parameter tensor (the formula of Backend.adamStep / AdamHyper). */
export const adamStep = (
  Out: FloatArrayConstructor,
  g: FloatArray,
  mu: FloatArray,
  nu: FloatArray,
  h: AdamHyper,
  p: FloatArray | undefined,
): { result: FloatArray; mu: FloatArray; nu: FloatArray } => {
  const size = g.length;
  const result = new Out(size);
  const mu1 = new Out(size);
  const nu1 = new Out(size);
  const { b1, b2, stepScale, epsScaled, coupledDecay = 0, decoupledDecay = 0, applyFactor } = h;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  if ((coupledDecay !== 0 || decoupledDecay !== 0 || applyFactor !== undefined) && p === undefined) {
    throw new TypeError('adamStep: a weight decay or applyFactor needs the parameter');
  }
  // Same association, operation by operation, as the composed chain (train/), so float64 results
  // match it bitwise; the common case (no decay, apply) has its own loop to stay tight.
  if (coupledDecay === 0 && decoupledDecay === 0 && applyFactor !== undefined && p !== undefined) {
    for (let i = 0; i < size; i++) {
      const gi = g[i];
      const m = mu[i] * b1 + gi * c1;
      const v = nu[i] * b2 + gi * gi * c2;
      mu1[i] = m;
      nu1[i] = v;
      result[i] = p[i] + ((m / (Math.sqrt(v) + epsScaled)) * stepScale) * applyFactor;
    }
    return { result, mu: mu1, nu: nu1 };
  }
  for (let i = 0; i < size; i++) {
    const gi = coupledDecay === 0 ? g[i] : g[i] + (p as FloatArray)[i] * coupledDecay;
    const m = mu[i] * b1 + gi * c1;
    const v = nu[i] * b2 + gi * gi * c2;
    mu1[i] = m;
    nu1[i] = v;
    let d = (m / (Math.sqrt(v) + epsScaled)) * stepScale;
    if (decoupledDecay !== 0) d = d + (p as FloatArray)[i] * decoupledDecay;
    result[i] = applyFactor === undefined ? d : (p as FloatArray)[i] + d * applyFactor;
  }
  return { result, mu: mu1, nu: nu1 };
};
