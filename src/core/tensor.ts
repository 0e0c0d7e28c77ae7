/**
 * The immutable tensor: a shape, a dtype and a buffer owned by a backend. No operation writes to
 * a tensor's buffer after it is made; every op allocates its result. A tensor that was computed
 * from differentiated inputs also carries a `node`: the link back to its inputs and the pullback
 * of the op that made it (see autodiff/). Reading values is asynchronous (`toArray`, `item`),
 * because some backends (WebGPU) can only read back with a Promise.
 *
 * @example
 * const x = tensor(cpu, [1, 2, 3, 4], [2, 2]);
 * await toArray(x); // Float32Array [1, 2, 3, 4]
 */
import type { Backend, DeviceBuffer, DType } from './backend/backend.js';
import { BackendError, ShapeError } from './errors.js';
import { checkShape, formatShape, sizeOf, type Shape } from './shape.js';

/** Reverse-mode record: the inputs an op read and how to map the output cotangent onto them. */
export interface Node {
  readonly parents: readonly Tensor[];
  /** Cotangents for each parent, each in the parent's shape or broadcastable to it. */
  readonly pullback: (ct: Tensor) => readonly (Tensor | undefined)[];
  /** Set on the leaves that `vjp` introduces; the backward pass stops there. */
  readonly leafOf?: object;
}

export interface Tensor<S extends Shape = Shape> {
  readonly shape: S;
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  /** @internal the backend's buffer; never written after creation. */
  readonly buffer: DeviceBuffer;
  /** @internal present when the tensor depends on inputs being differentiated. */
  readonly node?: Node;
}

/** @internal wraps a backend buffer as a tensor. */
export const fromBuffer = <S extends Shape>(backend: Backend, buffer: DeviceBuffer, shape: S, node?: Node): Tensor<S> => ({
  shape,
  dtype: backend.dtype,
  size: sizeOf(shape),
  backend,
  buffer,
  ...(node === undefined ? {} : { node }),
});

/** A tensor of `shape` holding a copy of `values` (row-major) on `backend`. */
export const tensor = <const S extends Shape>(backend: Backend, values: ArrayLike<number>, shape: S): Tensor<S> => {
  checkShape('tensor', shape);
  if (values.length !== sizeOf(shape)) {
    throw new ShapeError('tensor', `expected ${sizeOf(shape)} values for shape ${formatShape(shape)}, got ${values.length}`);
  }
  return fromBuffer(backend, backend.upload(values, shape), shape);
};

export const scalar = (backend: Backend, value: number): Tensor<readonly []> => fromBuffer(backend, backend.fill(value, []), []);

export const full = <const S extends Shape>(backend: Backend, shape: S, value: number): Tensor<S> => {
  checkShape('full', shape);
  return fromBuffer(backend, backend.fill(value, shape), shape);
};

export const zeros = <const S extends Shape>(backend: Backend, shape: S): Tensor<S> => full(backend, shape, 0);
export const ones = <const S extends Shape>(backend: Backend, shape: S): Tensor<S> => full(backend, shape, 1);

/** Copies the tensor's values to the host. The returned array is the caller's to keep. */
export const toArray = (x: Tensor): Promise<Float32Array | Float64Array> => x.backend.download(x.buffer, x.shape);

/** The single value of a one-element tensor, as a float64 number. */
export const item = async (x: Tensor): Promise<number> => {
  if (x.size !== 1) throw new ShapeError('item', `expected a tensor with one element, got shape ${formatShape(x.shape)}`);
  return (await toArray(x))[0];
};

/** Moves a tensor to another backend (a download and an upload; values converted to its dtype). */
export const toBackend = async <S extends Shape>(x: Tensor<S>, backend: Backend): Promise<Tensor<S>> =>
  x.backend === backend ? x : tensor(backend, await toArray(x), x.shape);

/** Throws unless every tensor lives on the same backend; returns it. */
export const commonBackend = (api: string, tensors: readonly Tensor[]): Backend => {
  const backend = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== backend) {
      throw new BackendError(api, `all inputs must live on one backend, got ${backend.description} and ${t.backend.description}; move one with toBackend`);
    }
  }
  return backend;
};

export const isTensor = (value: unknown): value is Tensor =>
  typeof value === 'object' && value !== null && 'buffer' in value && 'backend' in value && 'shape' in value;
