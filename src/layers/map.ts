/**
 * `map(f)`: a per-example entry applied to every row of a batch (JAX's `vmap` over axis 0).
 * `f` takes `[...S]` and gives `[...T]`; `map(f)` takes `[N, ...S]` and gives `[N, ...T]`, with
 * f's params shared by all rows and transparent in the tree (no extra level in the names).
 *
 * Cost. A row-wise f (`Layer.rowwise`: dense, the activations, dropout, and compositions of them)
 * already treats leading axes as batch axes, so it runs once on the whole batch (dense folds the
 * extra axes into its matrix rows with a free reshape): no extra cost. Any other f runs once per
 * row: row i is taken with core's `slice` and the results are joined with `concat` on a new
 * leading axis, both copies, so the extra cost is linear in the values (plus N calls of f and
 * their kernel launches), and a non-finite value stays in its own row. Mark f `rowwise: true` if
 * it is, to run it once on the whole batch instead.
 *
 * @example
 * map(dense(16, 8)).apply(params, tokens);                          // [B, T, 16] -> [B, T, 8], one kernel
 * map((x: Tensor) => div(x, sum(x))).apply({}, x);                  // [N, 5]: each row divided by its own sum
 */
import { concat, formatShape, reshape, shapesEqual, ShapeError, slice, split, zeros, type Shape, type Tensor } from '../core/index.js';
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

/** f applied to each row separately: slice each row, concat the results (see the module doc). */
const rowByRow = (api: string, entry: Entry, params: never, x: Tensor, context: ApplyContext): Tensor => {
  const [n, ...rowShape] = x.shape;
  if (n === 0) {
    // No rows to run: f's output shape still comes from one call on a zero row.
    const probe = applyEntry(entry, params, zeros(x.backend, rowShape), { train: false, ...(context.path === undefined ? {} : { path: context.path }) });
    return zeros(x.backend, [0, ...probe.shape]);
  }
  const keys = context.key === undefined ? undefined : split(context.key, n);
  const size = x.shape.map((d, a) => (a === 0 ? 1 : d));
  let first: Shape | undefined;
  const rows: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const row = reshape(slice(x, x.shape.map((_, a) => (a === 0 ? i : 0)), size), rowShape);
    const y = applyEntry(entry, params, row, childContext(context, context.path, keys?.[i]));
    first ??= y.shape;
    if (!shapesEqual(y.shape, first)) throw new ShapeError(api, `expected every row to give the shape of row 0, ${formatShape(first)}, got ${formatShape(y.shape)} at row ${i}`);
    rows.push(reshape(y, [1, ...y.shape]));
  }
  return concat(rows, 0);
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
