import { ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { maskPositive } from './mask-positive.js';
import { matmul } from './matmul.js';
import { bind, type PrimitiveDef } from './primitive.js';
import { sum } from './sum.js';

export type LinearActivation = 'none' | 'relu';

/**
 * The dense layer's fused kernel: y = act(x Wᵀ + b) for x [N, in], W [out, in] (PyTorch's
 * layout), b [out]. One matmul with the bias (and ReLU) applied in its store; the VJP masks the
 * cotangent in one pass (maskPositive) and needs two matmuls and a column sum.
 */
export const linearDef: PrimitiveDef<{ readonly activation: LinearActivation; readonly api: string }> = {
  name: 'linear',
  shapeRule: ([x, w, b], { api }) => {
    if (x.length !== 2 || w.length !== 2) {
      throw new ShapeError(api, `expected x [N, in] and weight [out, in], got x ${formatShape(x)} and weight ${formatShape(w)}`);
    }
    if (x[1] !== w[1]) {
      throw new ShapeError(api, `expected x.shape[1] = ${w[1]}, got ${x[1]} (weight is ${formatShape(w)})`);
    }
    if (b !== undefined && (b.length !== 1 || b[0] !== w[0])) {
      throw new ShapeError(api, `expected bias [${w[0]}], got ${formatShape(b)}`);
    }
    return [x[0], w[0]];
  },
  forward: (backend, [x, w, b], { activation }) => ({
    buffer: backend.matmul(x.buffer, w.buffer, { m: x.shape[0], k: x.shape[1], n: w.shape[0], transA: false, transB: true }, {
      ...(b === undefined ? {} : { bias: b.buffer }),
      relu: activation === 'relu',
    }),
    residual: undefined,
  }),
  vjp: (ct, { inputs: [x, w, b], out, params: { activation }, needsGrad }) => {
    const dz = activation === 'relu' ? maskPositive(ct, out) : ct;
    // The first layer's input is data: skipping its gradient saves a quarter of the backward FLOPs.
    return [
      needsGrad[0] ? matmul(dz, w) : undefined,
      needsGrad[1] ? matmul(dz, x, { transA: true }) : undefined,
      b !== undefined && needsGrad[2] ? sum(dz, { axes: 0 }) : undefined,
    ];
  },
};

/** act(x Wᵀ + b); `api` names the caller in shape errors (e.g. `dense(lin_1)`). */
export const linear = (x: Tensor, weight: Tensor, bias?: Tensor, options: { readonly activation?: LinearActivation; readonly api?: string } = {}): Tensor =>
  bind(linearDef, bias === undefined ? [x, weight] : [x, weight, bias], { activation: options.activation ?? 'none', api: options.api ?? 'linear' });
