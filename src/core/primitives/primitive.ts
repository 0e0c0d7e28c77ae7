/**
 * What a primitive is: a forward kernel call, a shape rule and a VJP, side by side (micrograd's
 * idea, JAX's names). `bind` runs one: it checks backends and shapes, dispatches the kernel, and,
 * when an input is being differentiated, links the output to its inputs through the VJP.
 * Broadcasting is NOT undone here or in any rule: the backward pass sums each cotangent down to
 * its input's shape once, centrally (autodiff/backward.ts).
 */
import type { Backend, DeviceBuffer } from '../backend/backend.js';
import type { Shape } from '../shape.js';
import { commonBackend, fromBuffer, type Node, type Tensor } from '../tensor.js';

/** Everything a VJP rule may read. Inputs and output are detached (no autodiff links). */
export interface VjpContext<P, R> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly params: P;
  readonly residual: R;
  /** Which inputs are being differentiated; rules may skip the work for the others. */
  readonly needsGrad: readonly boolean[];
}

export interface PrimitiveDef<P, R = undefined> {
  readonly name: string;
  /** Output shape from input shapes; throws a ShapeError that names the op. */
  readonly shapeRule: (shapes: readonly Shape[], params: P) => Shape;
  readonly forward: (backend: Backend, inputs: readonly Tensor[], params: P, outShape: Shape) => {
    readonly buffer: DeviceBuffer;
    readonly residual: R;
  };
  /** Cotangent per input (undefined = zero, e.g. for non-differentiable inputs). */
  readonly vjp: (ct: Tensor, context: VjpContext<P, R>) => readonly (Tensor | undefined)[];
}

/** The tensor without its autodiff link: same buffer, treated as a constant. */
export const detach = <S extends Shape>(x: Tensor<S>): Tensor<S> =>
  x.node === undefined ? x : fromBuffer(x.backend, x.buffer, x.shape);

/** Runs primitive `def` on `inputs`; the output is traced when any input is. */
export const bind = <P, R>(def: PrimitiveDef<P, R>, inputs: readonly Tensor[], params: P): Tensor => {
  const backend = commonBackend(def.name, inputs);
  const outShape = def.shapeRule(
    inputs.map((t) => t.shape),
    params,
  );
  const { buffer, residual } = def.forward(backend, inputs, params, outShape);
  if (!inputs.some((t) => t.node !== undefined)) return fromBuffer(backend, buffer, outShape);
  const context: VjpContext<P, R> = {
    inputs: inputs.map(detach),
    out: fromBuffer(backend, buffer, outShape),
    params,
    residual,
    needsGrad: inputs.map((t) => t.node !== undefined),
  };
  const node: Node = { parents: inputs, pullback: (ct) => def.vjp(ct, context) };
  return fromBuffer(backend, buffer, outShape, node);
};

/** Rule builder: a VJP for ops whose inputs get no gradient (comparisons, stopGradient). */
export const zeroVjp = (): readonly undefined[] => [];
