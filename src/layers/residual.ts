/**
 * The residual connection `x + f(x)` (ResNet's skip). `f` is any entry (a layer or a tensor
 * function) whose output has its input's shape: checked at compile time where the sizes are
 * literals, and always at run time, exactly (no broadcasting: a residual that broadcasts is a
 * bug). The wrapper is transparent in the params: `residual(f)` has f's params, so in
 * `sequential({ block: residual(inner), ... })` they are named `block.lin_1.weight`. The gradient
 * is that of `add` and f through the same autodiff: ct flows to x directly and through f's VJP.
 *
 * @example
 * const block = residual(sequential().add('lin_1', dense(64, 64)).add('act', relu).add('lin_2', dense(64, 64)));
 * block.apply(params, x);   // x [N, 64] -> x + lin_2(relu(lin_1(x))), [N, 64]
 */
import { add, formatShape, shapesEqual, ShapeError, type Tensor } from '../core/index.js';
import { apiName, applyEntry, checkEntry, describeEntry, initSingle, isRowwise, type Entry } from './entries.js';
import type { EntryInput, EntryOutput, WrappedParams } from './entry-types.js';
import { evalContext, type ApplyContext, type Layer, type ShapePreservingLayer } from './layer.js';
import type { Fits, FormatShape, PreservesShape, ShapeMismatch, ShapeOf } from './shape-types.js';

export interface ResidualOptions {
  /** Names the block in errors; otherwise the container's name for it is used. */
  readonly name?: string;
}

/** `E` when its output fits its input, else the reason as a `ShapeMismatch`. */
export type ResidualEntry<E> = PreservesShape<E> extends true
  ? E
  : Fits<ShapeOf<EntryInput<E>>, ShapeOf<EntryOutput<E, EntryInput<E>>>> extends infer Reason
    ? Reason extends true
      ? E
      : ShapeMismatch<`residual: f maps ${FormatShape<ShapeOf<EntryInput<E>>>} to ${FormatShape<ShapeOf<EntryOutput<E, EntryInput<E>>>>}; x + f(x) needs ${Reason & string}`>
    : never;

/** A shape-generic f gives a shape-generic block; otherwise the block maps f's input type to itself. */
export type ResidualLayer<E> = PreservesShape<E> extends true ? ShapePreservingLayer<WrappedParams<E>> : Layer<WrappedParams<E>, EntryInput<E>, EntryInput<E>>;

/** `x + f(x)`; see the module doc. */
export const residual = <E extends Entry>(f: ResidualEntry<E>, options: ResidualOptions = {}): ResidualLayer<E> => {
  const entry = f as unknown as Entry;
  checkEntry('residual', 'f', entry);
  const apply = (params: never, x: Tensor, context: ApplyContext = evalContext): Tensor => {
    const api = apiName('residual', options.name, context);
    // f runs in the block's own context: the block adds no level to parameter names or paths.
    const y = applyEntry(entry, params, x, context);
    if (!shapesEqual(y.shape, x.shape)) {
      throw new ShapeError(api, `expected f(x) to have the shape of x, ${formatShape(x.shape)}, got ${formatShape(y.shape)} (f is ${describeEntry(entry)})`);
    }
    return add(x, y);
  };
  const layer: Layer<never, Tensor, Tensor> = {
    describe: `residual(${describeEntry(entry)})`,
    init: (key, backend) => initSingle(entry, key, backend) as never,
    apply,
    rowwise: isRowwise(entry),
  };
  return layer as unknown as ResidualLayer<E>;
};
