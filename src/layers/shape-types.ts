/**
 * Shapes at the type level, for the composition combinators. A shape type is a readonly tuple
 * whose entries are literal sizes (`784`), branded run-time sizes (`Dim<'features'>`) or `number`
 * (unknown until run time: the batch axis, a size read from a file). Composition is checked
 * gradually: two sizes fit when they are the same literal/brand or when either is `number`, and a
 * shape that is not a tuple at all (`Tensor`'s default `readonly number[]`) fits anything; the
 * run-time checks of each layer remain the last word. A pipeline that cannot fit is a compile
 * error whose text says why, through the `ShapeMismatch<Message>` brand.
 *
 * @example
 * type T = Fits<readonly [number, 128], readonly [number, 256]>;  // 'x.shape[1] = 128, got 256'
 */
import type { Shape, Tensor } from '../core/index.js';

declare const mismatchBrand: unique symbol;
declare const dimBrand: unique symbol;
declare const probeBrand: unique symbol;

/**
 * The parameter type of an argument that does not fit: no value has it, so the call does not
 * compile, and the compiler prints the message, e.g.
 * `... is not assignable to parameter of type 'ShapeMismatch<"lin_2 expects x.shape[1] = 128, got 256 (x is [number, 256])">'`.
 */
export interface ShapeMismatch<Message extends string> {
  readonly [mismatchBrand]: Message;
}

/**
 * A size known only at run time, checked once (see `dim`) and then carried under a tag, so that
 * `dense(width, 64)` and `checkFeatures(x, width)` agree at compile time when both use `width`.
 */
export type Dim<Tag extends string> = number & { readonly [dimBrand]: Tag };

/** The shape of a tensor type (`Shape` for anything that is not a tensor). */
export type ShapeOf<T> = T extends Tensor<infer S> ? S : Shape;

/** true when the shape is not a tuple, i.e. its rank is unknown at compile time. */
export type IsWideShape<S extends Shape> = number extends S['length'] ? true : false;

type DimsFit<A, B> = number extends A ? true : number extends B ? true : [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A size as the compiler should print it: `784`, `number`, `Dim<"features">`. */
export type FormatDim<D> = D extends Dim<infer Tag> ? `Dim<"${Tag}">` : number extends D ? 'number' : D extends number ? `${D}` : 'unknown';

type JoinDims<S extends Shape> = S extends readonly [infer Head, ...infer Rest extends Shape]
  ? Rest extends readonly [] ? FormatDim<Head> : `${FormatDim<Head>}, ${JoinDims<Rest>}`
  : '';

/** `[number, 784]`, or `Shape` when the rank is unknown. */
export type FormatShape<S extends Shape> = IsWideShape<S> extends true ? 'Shape' : `[${JoinDims<S>}]`;

type FirstMisfit<Expected extends Shape, Got extends Shape, Subject extends string, Axis extends readonly unknown[] = []> = Expected extends readonly [infer E, ...infer ERest extends Shape]
  ? Got extends readonly [infer G, ...infer GRest extends Shape]
    ? DimsFit<E, G> extends true ? FirstMisfit<ERest, GRest, Subject, [...Axis, unknown]> : `${Subject}.shape[${Axis['length']}] = ${FormatDim<E>}, got ${FormatDim<G>}`
    : never
  : never;

/**
 * `true` when a value of shape `Got` may be passed where `Expected` is taken; otherwise the
 * reason, e.g. `x.shape[1] = 128, got 256` (`Subject` names the tensor) or `rank 2 [number, 784], got rank 3`.
 */
export type Fits<Expected extends Shape, Got extends Shape, Subject extends string = 'x'> = IsWideShape<Expected> extends true
  ? true
  : IsWideShape<Got> extends true
    ? true
    : Expected['length'] extends Got['length']
      ? [FirstMisfit<Expected, Got, Subject>] extends [never] ? true : FirstMisfit<Expected, Got, Subject>
      : `rank ${Expected['length']} ${FormatShape<Expected>}, got rank ${Got['length']}`;

/**
 * A shape no real layer mentions. A function or layer that maps `Tensor<Probe>` to `Tensor<Probe>`
 * is generic in its shape (`relu`, `dropout`): it keeps whatever shape it is given.
 */
type Probe = readonly [number & { readonly [probeBrand]: true }];

/** true for a shape-generic function `<S>(x: Tensor<S>) => Tensor<S>` or layer whose `apply` is. */
export type PreservesShape<E> = E extends (...args: never[]) => unknown
  ? E extends (x: Tensor<Probe>) => Tensor<Probe> ? true : false
  : // (tested after the function case: every function has an `apply`, Function.prototype's)
    E extends { readonly apply: (params: never, x: Tensor<Probe>, ...rest: never[]) => Tensor<Probe> }
    ? true
    : false;

type IsUnion<U> = [U] extends [UnionToIntersection<U>] ? false : true;

/**
 * The one shape that all of the union `U` spell out (tuples only; shapes of unknown rank are
 * ignored), or `Shape` when there is none or they differ: the shape of several branches' common
 * input or of an elementwise merge's result.
 */
export type CommonShape<U extends Shape> = (U extends unknown ? (IsWideShape<U> extends true ? never : U) : never) extends infer T extends Shape
  ? [T] extends [never] ? Shape : IsUnion<T> extends true ? Shape : T
  : Shape;

/** `true` when `S` fits every member of the union `U`, else one of the reasons. */
export type FitsAll<S extends Shape, U extends Shape, Subject extends string = 'x'> = Exclude<U extends unknown ? Fits<S, U, Subject> : never, true> extends infer Reason
  ? [Reason] extends [never] ? true : LastOfUnion<Reason>
  : never;

// Decimal addition of natural-number literals (for the width of a concatenation), digit by digit
// on reversed strings: no recursion deeper than the number of digits.
type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type Units = { '0': []; '1': [0]; '2': [0, 0]; '3': [0, 0, 0]; '4': [0, 0, 0, 0]; '5': [0, 0, 0, 0, 0]; '6': [0, 0, 0, 0, 0, 0]; '7': [0, 0, 0, 0, 0, 0, 0]; '8': [0, 0, 0, 0, 0, 0, 0, 0]; '9': [0, 0, 0, 0, 0, 0, 0, 0, 0] };
type DigitSum<A extends Digit, B extends Digit, Carry extends 0 | 1> = `${[...Units[A], ...Units[B], ...(Carry extends 1 ? [0] : [])]['length'] & number}`;
type AddDigits<A extends Digit, B extends Digit, Carry extends 0 | 1> = DigitSum<A, B, Carry> extends `${Digit}${infer One extends Digit}` ? [One, 1] : [DigitSum<A, B, Carry>, 0];
type Reverse<S extends string> = S extends `${infer Head}${infer Rest}` ? `${Reverse<Rest>}${Head}` : '';
type AddReversed<A extends string, B extends string, Carry extends 0 | 1> = A extends ''
  ? B extends '' ? (Carry extends 1 ? '1' : '') : AddReversed<'0', B, Carry>
  : B extends ''
    ? AddReversed<A, '0', Carry>
    : A extends `${infer DA extends Digit}${infer RA}`
      ? B extends `${infer DB extends Digit}${infer RB}`
        ? AddDigits<DA, DB, Carry> extends [infer D extends string, infer C extends 0 | 1] ? `${D}${AddReversed<RA, RB, C>}` : never
        : never
      : never;

/** A + B for natural-number literals (`Add<256, 512>` is `768`); `number` if either is not a literal. */
export type Add<A extends number, B extends number> = number extends A
  ? number
  : number extends B
    ? number
    : `${A}` extends `${bigint}` // integers only; a brand or a fraction gives number
      ? `${B}` extends `${bigint}`
        ? Reverse<AddReversed<Reverse<`${A}`>, Reverse<`${B}`>, 0>> extends `${infer N extends number}` ? N : number
        : number
      : number;

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
/** One member of a union (the compiler's last). */
export type LastOfUnion<U> = UnionToIntersection<U extends unknown ? () => U : never> extends () => infer L ? L : never;
/**
 * The members of a union as a tuple, in the compiler's order: alphabetical for string literals in
 * TS 7, NOT the order of declaration. Only used where the order does not matter (sums).
 */
export type UnionToTuple<U, L = LastOfUnion<U>> = [U] extends [never] ? [] : [...UnionToTuple<Exclude<U, L>>, L];
