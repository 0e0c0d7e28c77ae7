/**
 * Merges for `parallel`: functions from the record of branch outputs (in the branches' declaration
 * order) to one tensor. `addAll` and `multiplyAll` are elementwise over outputs of one shape;
 * `concatAll` joins them along the last axis. All three are composed from primitives, so their
 * gradients come from the same autodiff, and all three are row-wise (see `Layer.rowwise`).
 *
 * `concatAll` is core's `concat` primitive on the last axis: a copy, linear in the values, whose
 * VJP hands each branch its slice of the cotangent; a non-finite value stays in its own place.
 *
 * @example
 * parallel({ a: dense(4, 3), b: dense(4, 3) }, addAll);      // [N, 4] -> [N, 3]
 * parallel({ a: dense(4, 3), b: dense(4, 5) }, concatAll);   // [N, 4] -> [N, 8]
 */
import { add, concat, formatShape, mul, shapesEqual, ShapeError, type Shape, type Tensor } from '../core/index.js';
import type { Add, CommonShape, Fits, FormatShape, IsWideShape, LastOfUnion, ShapeMismatch, ShapeOf, UnionToTuple } from './shape-types.js';

/** What a merge is told besides the outputs: the API name to use in its errors. */
export interface MergeContext {
  readonly api: string;
}

export type BranchOutputs = Readonly<Record<string, Tensor>>;

/**
 * A merge that is row-wise carries `rowwise: true` (at run time), so a parallel layer using it
 * can be too. It is not part of the merges' declared types: a generic function intersected with
 * an object type is no longer instantiated in context, and the shape checks would be lost.
 */
export interface RowwiseMerge {
  readonly rowwise: true;
}

/** The union of the outputs' shapes. */
export type OutputShapes<R> = { [K in keyof R]: ShapeOf<R[K]> }[keyof R];

/** A key of R other than K whose output shape does not fit K's (never if all fit). */
type MisfitKey<R, K extends keyof R> = LastOfUnion<{ [J in Exclude<keyof R, K>]: Fits<ShapeOf<R[K]>, ShapeOf<R[J]>> extends true ? never : J }[Exclude<keyof R, K>]>;

/** `unknown` per output whose shape fits every other's, else a `ShapeMismatch` naming both. */
export type SameShapes<R> = {
  readonly [K in keyof R]: [MisfitKey<R, K>] extends [never]
    ? unknown
    : ShapeMismatch<`elementwise merge: the outputs must have one shape, but '${K & string}' is ${FormatShape<ShapeOf<R[K]>>} and '${MisfitKey<R, K> & string}' is ${FormatShape<ShapeOf<R[MisfitKey<R, K> & keyof R]>>}`>;
};

type LastAxes<Shapes extends readonly unknown[]> = { [I in keyof Shapes]: Shapes[I] extends readonly [...unknown[], infer Last extends number] ? Last : number };
type SumAll<Ns extends readonly number[]> = Ns extends readonly [infer A extends number, ...infer Rest extends readonly number[]] ? Add<A, SumAll<Rest>> : 0;
type Leading<S> = S extends readonly [...infer Init extends readonly number[], number] ? Init : never;

/** The shape of the concatenation along the last axis: `[number, 3]`, `[number, 5]` give `[number, 8]`. */
export type ConcatShape<R> = UnionToTuple<keyof R> extends infer Keys extends readonly (keyof R)[]
  ? { [I in keyof Keys]: ShapeOf<R[Keys[I]]> } extends infer Shapes extends readonly Shape[]
    ? true extends { [I in keyof Shapes]: IsWideShape<Shapes[I]> }[number]
      ? Shape
      : readonly [...Leading<Shapes[0]>, SumAll<LastAxes<Shapes>>]
    : Shape
  : Shape;

const tensorsOf = (api: string, merge: string, outputs: BranchOutputs): readonly (readonly [string, Tensor])[] => {
  const entries = Object.entries(outputs);
  if (entries.length === 0) throw new ShapeError(api, `${merge} expected at least one branch output, got none`);
  return entries;
};

const describeShapes = (entries: readonly (readonly [string, Tensor])[]): string => entries.map(([name, t]) => `${name} ${formatShape(t.shape)}`).join(', ');

const elementwise = (merge: string, op: (a: Tensor, b: Tensor) => Tensor) =>
  <R extends BranchOutputs>(outputs: R & NoInfer<SameShapes<R>>, context: MergeContext = { api: 'parallel' }): Tensor<CommonShape<OutputShapes<R>>> => {
    const entries = tensorsOf(context.api, merge, outputs);
    const [, first] = entries[0];
    if (entries.some(([, t]) => !shapesEqual(t.shape, first.shape))) {
      throw new ShapeError(context.api, `${merge} expected branch outputs of one shape, got ${describeShapes(entries)}`);
    }
    return entries.slice(1).reduce((acc, [, t]) => op(acc, t), first) as Tensor<CommonShape<OutputShapes<R>>>;
  };

/** `fn` under `name` (for `describe`) and marked row-wise. */
const rowwiseMerge = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
  Object.assign(Object.defineProperty(fn, 'name', { value: name }), { rowwise: true } as const);

/** The elementwise sum of the branch outputs, which must have one shape. */
export const addAll = rowwiseMerge('addAll', elementwise('addAll', add));

/** The elementwise product of the branch outputs, which must have one shape (a gate: `a * sigmoid(b)`). */
export const multiplyAll = rowwiseMerge('multiplyAll', elementwise('multiplyAll', mul));

const concatenate = <R extends BranchOutputs>(outputs: R, context: MergeContext = { api: 'parallel' }): Tensor<ConcatShape<R>> => {
  const entries = tensorsOf(context.api, 'concatAll', outputs);
  const [, first] = entries[0];
  const leading = first.shape.slice(0, -1);
  const fits = ([, t]: readonly [string, Tensor]) => t.shape.length === first.shape.length && t.shape.length > 0 && shapesEqual(t.shape.slice(0, -1), leading);
  if (!entries.every(fits)) {
    throw new ShapeError(context.api, `concatAll expected branch outputs that differ only in the last axis, got ${describeShapes(entries)}`);
  }
  return concat(entries.map(([, t]) => t), first.shape.length - 1) as Tensor<ConcatShape<R>>;
};

/**
 * The branch outputs joined along the last axis, in the branches' declaration order:
 * `[..., d_1]`, `[..., d_2]` give `[..., d_1 + d_2]` (the sum is computed in the types too).
 * A copy (core's `concat`), linear in the values.
 */
export const concatAll = rowwiseMerge('concatAll', concatenate);

