/**
 * `map(f)`: a per-example entry applied to every row of a batch (JAX's `vmap` over axis 0).
 * `f` takes `[...S]` and gives `[...T]`; `map(f)` takes `[N, ...S]` and gives `[N, ...T]`, with
 * f's params shared by all rows and transparent in the tree (no extra level in the names).
 *
 * Cost. A row-wise f (`Layer.rowwise`: dense, the activations, dropout, and compositions of them)
 * already treats leading axes as batch axes, so it runs once on the whole batch (dense folds the
 * extra axes into its matrix rows with a free reshape): no extra cost. Any other f runs once per
 * row. Core has no slice or stack primitive, so row i is selected by a one-hot matmul
 * (`[1, N] x [N, M]`) and the results are stacked by adding one-hot outer products: about
 * N^2 (M + K) extra multiply-adds for rows of M inputs and K outputs, N calls of f, and a
 * non-finite input in any row gives NaN in every row (inf * 0). Fine for small batches and
 * tests; mark f `rowwise: true` if it is, or ask for slice/stack primitives.
 *
 * @example
 * map(dense(16, 8)).apply(params, tokens);                          // [B, T, 16] -> [B, T, 8], one kernel
 * map((x: Tensor) => div(x, sum(x))).apply({}, x);                  // [N, 5]: each row divided by its own sum
 */
import { add, formatShape, matmul, mul, reshape, shapesEqual, ShapeError, split, tensor, zeros, type Shape, type Tensor } from '../core/index.js';
import { apiName, applyEntry, checkEntry, childContext, describeEntry, initSingle, isRowwise, type Entry } from './entries.js';
import type { EntryInput, EntryOutput, WrappedParams } from './entry-types.js';
import { evalContext, type ApplyContext, type Layer, type ShapePreservingLayer } from './layer.js';
import type { IsWideShape, PreservesShape, ShapeOf } from './shape-types.js';

export interface MapOptions {
  /** Names the layer in errors; otherwise the container's name for it is used. */
  readonly name?: string;
}

/** `[number, ...S]`, or `Shape` when S's rank is unknown. */
export type Batched<S extends Shape> = IsWideShape<S> extends true ? Shape : readonly [number, ...S];

/** The mapped layer's type: f's params, inputs and outputs with a leading batch axis. */
export type MappedLayer<E> = PreservesShape<E> extends true
  ? ShapePreservingLayer<WrappedParams<E>>
  : Layer<WrappedParams<E>, Tensor<Batched<ShapeOf<EntryInput<E>>>>, Tensor<Batched<ShapeOf<EntryOutput<E, EntryInput<E>>>>>>;

/** A `[rows, cols]` constant with a single one at (i, j). */
const oneHot = (like: Tensor, rows: number, cols: number, i: number, j: number): Tensor => {
  const values = new Float64Array(rows * cols);
  values[i * cols + j] = 1;
  return tensor(like.backend, values, [rows, cols]);
};

/** f applied to each row separately, composed from matmul / mul / add (see the module doc). */
const rowByRow = (api: string, entry: Entry, params: never, x: Tensor, context: ApplyContext): Tensor => {
  const [n, ...rowShape] = x.shape;
  const rowSize = rowShape.reduce((s, d) => s * d, 1);
  if (n === 0) {
    // No rows to run: f's output shape still comes from one call on a zero row.
    const probe = applyEntry(entry, params, zeros(x.backend, rowShape), { train: false, ...(context.path === undefined ? {} : { path: context.path }) });
    return zeros(x.backend, [0, ...probe.shape]);
  }
  const x2 = reshape(x, [n, rowSize]);
  const keys = context.key === undefined ? undefined : split(context.key, n);
  let first: Shape | undefined;
  let out: Tensor | undefined;
  for (let i = 0; i < n; i++) {
    const row = reshape(matmul(oneHot(x, 1, n, 0, i), x2), rowShape);
    const y = applyEntry(entry, params, row, childContext(context, context.path, keys?.[i]));
    first ??= y.shape;
    if (!shapesEqual(y.shape, first)) throw new ShapeError(api, `expected every row to give the shape of row 0, ${formatShape(first)}, got ${formatShape(y.shape)} at row ${i}`);
    const placed = mul(oneHot(x, n, 1, i, 0), reshape(y, [1, y.size]));
    out = out === undefined ? placed : add(out, placed);
  }
  return reshape(out as Tensor, [n, ...(first as Shape)]);
};

/** `f` over the leading axis of its input; see the module doc. */
export const map = <E extends Entry>(f: E, options: MapOptions = {}): MappedLayer<E> => {
  const entry: Entry = f;
  checkEntry('map', 'f', entry);
  const rowwise = isRowwise(entry);
  const apply = (params: never, x: Tensor, context: ApplyContext = evalContext): Tensor => {
    const api = apiName('map', options.name, context);
    if (x.shape.length === 0) throw new ShapeError(api, `expected x with a leading batch axis, got a scalar (f is ${describeEntry(entry)})`);
    return rowwise ? applyEntry(entry, params, x, context) : rowByRow(api, entry, params, x, context);
  };
  const layer: Layer<never, Tensor, Tensor> = {
    describe: `map(${describeEntry(entry)})`,
    init: (key, backend) => initSingle(entry, key, backend) as never,
    apply,
    // Rows of rows: a row-wise f stays row-wise; row by row, only axis 0 is a batch axis.
    rowwise,
  };
  return layer as unknown as MappedLayer<E>;
};
