import { ShapeError } from '../errors.js';
import { formatShape, type Shape } from '../shape.js';
import { zeros, type Tensor } from '../tensor.js';
import { concat } from './concat.js';
import { bind, type PrimitiveDef } from './primitive.js';

/**
 * A contiguous block of a tensor (tf.slice, lax.dynamic_slice with static bounds): a copy of the
 * block only. The VJP places the cotangent back into zeros of the input's shape, padding one
 * axis at a time with zero blocks through `concat`, so no extra backend method is needed.
 */
export const sliceDef: PrimitiveDef<{ readonly begin: readonly number[]; readonly size: Shape }> = {
  name: 'slice',
  shapeRule: ([x], { begin, size }) => {
    const describe = (): string => `begin [${begin.join(', ')}] and size [${size.join(', ')}] for x ${formatShape(x)}`;
    if (begin.length !== x.length || size.length !== x.length) {
      throw new ShapeError('slice', `expected begin and size of length ${x.length} (the rank of x), got ${describe()}`);
    }
    for (let a = 0; a < x.length; a++) {
      const ok = Number.isInteger(begin[a]) && Number.isInteger(size[a]) && begin[a] >= 0 && size[a] >= 0 && begin[a] + size[a] <= x[a];
      if (!ok) throw new ShapeError('slice', `expected 0 <= begin <= begin + size <= x.shape on every axis, got ${describe()} (axis ${a})`);
    }
    return size;
  },
  forward: (backend, [x], { begin }, outShape) => ({ buffer: backend.slice(x.buffer, x.shape, begin, outShape), residual: undefined }),
  vjp: (ct, { inputs: [x], params: { begin } }) => {
    let padded = ct;
    for (let a = 0; a < x.shape.length; a++) {
      const after = x.shape[a] - begin[a] - ct.shape[a];
      if (begin[a] === 0 && after === 0) continue;
      const block = (width: number): Tensor[] => (width === 0 ? [] : [zeros(ct.backend, padded.shape.map((d, i) => (i === a ? width : d)))]);
      padded = concat([...block(begin[a]), padded, ...block(after)], a);
    }
    return [padded];
  },
};

/**
 * The block of `x` starting at `begin` with shape `size`, where a size of -1 means "to the end of
 * that axis": `slice(x [4, 6], [1, 2], [2, -1])` is rows 1..2, columns 2..5, shape [2, 4].
 */
export const slice = (x: Tensor, begin: readonly number[], size: readonly number[]): Tensor => {
  const resolved = size.map((s, a) => (s === -1 && a < x.shape.length ? x.shape[a] - (begin[a] ?? 0) : s));
  // Copied: the VJP reads `begin` later, and the caller may reuse its array.
  return bind(sliceDef, [x], { begin: [...begin], size: resolved });
};
