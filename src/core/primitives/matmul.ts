import { ShapeError } from '../errors.js';
import { formatShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';

export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}
type Flags = { readonly transA: boolean; readonly transB: boolean };

const describe = (shape: Shape, trans: boolean): string => `${formatShape(shape)}${trans ? 'ᵀ' : ''}`;

/** Inner dimensions of op(A) · op(B), checked: [m, k, n]. */
export const matmulDims = (api: string, a: Shape, b: Shape, { transA, transB }: Flags): readonly [number, number, number] => {
  if (a.length !== 2 || b.length !== 2) {
    throw new ShapeError(api, `expected two matrices, got ${formatShape(a)} and ${formatShape(b)}`);
  }
  const [m, k] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [kb, n] = transB ? [b[1], b[0]] : [b[0], b[1]];
  if (k !== kb) {
    throw new ShapeError(api, `inner sizes differ: ${describe(a, transA)} · ${describe(b, transB)} (${k} vs ${kb})`);
  }
  return [m, k, n];
};

/**
 * Matrix product of op(A) = A or Aᵀ and op(B) = B or Bᵀ, without materialising transposes.
 * VJP, for C = op(A) op(B): d op(A) = ct op(B)ᵀ and d op(B) = op(A)ᵀ ct, each expressed again
 * as one matmul with transpose flags.
 */
export const matmulDef: PrimitiveDef<Flags> = {
  name: 'matmul',
  shapeRule: ([a, b], flags) => {
    const [m, , n] = matmulDims('matmul', a, b, flags);
    return [m, n];
  },
  forward: (backend, [a, b], flags) => {
    const [m, k, n] = matmulDims('matmul', a.shape, b.shape, flags);
    return { buffer: backend.matmul(a.buffer, b.buffer, { m, k, n, ...flags }), residual: undefined };
  },
  vjp: (ct, { inputs: [a, b], params: { transA, transB }, needsGrad }) => [
    !needsGrad[0] ? undefined : transA ? matmul(b, ct, { transA: transB, transB: true }) : matmul(ct, b, { transB: !transB }),
    !needsGrad[1] ? undefined : transB ? matmul(ct, a, { transA: true, transB: transA }) : matmul(a, ct, { transA: !transA }),
  ],
};

export const matmul = (a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor =>
  bind(matmulDef, [a, b], { transA: options.transA ?? false, transB: options.transB ?? false });
