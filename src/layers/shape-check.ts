/**
 * Sizes known only at run time, checked once at the boundary and then carried in the types. A
 * tensor that comes from outside (a data file, user input) has the plain type `Tensor`, which a
 * typed model (`sequential().add(...)`) does not accept; `checkShape` / `checkFeatures` check it
 * once and return it retyped (the same tensor, no copy), or a `ShapeError` naming what was
 * expected. A size that is itself read at run time (a file's column count) becomes a `Dim<Tag>`
 * through `dim`, and then the model and the data checked against it agree at compile time.
 *
 * @example
 * const x = checkFeatures(fromFile, 784);                 // Either<ShapeError, Tensor<readonly [number, 784]>>
 * const width = dim('columns', header.columns);           // Dim<'columns'>
 * const model = sequential().add('lin_1', dense(width, 64)).add('act', relu);
 * pipe(checkFeatures(data, width), E.map((x) => model.apply(params, x)));   // x: [N, Dim<'columns'>]
 */
import * as E from 'fp-ts/lib/Either.js';
import { InvalidArgumentError, ShapeError, type Shape, type Tensor } from '../core/index.js';
import type { Dim } from './shape-types.js';

/** A shape to check against: a size per axis, `null` for any size (the batch axis). */
export type ShapePattern = readonly (number | null)[];

/** The shape type a pattern guarantees: `[null, 784]` gives `readonly [number, 784]`. */
export type PatternShape<P extends ShapePattern> = { readonly [K in keyof P]: P[K] extends null ? number : P[K] } extends infer S extends Shape ? S : never;

const isSize = (n: number): boolean => Number.isInteger(n) && n >= 0;

/**
 * `size` under the type `Dim<Tag>` after checking it is a positive integer; `tag` also names it
 * in the error. Two sizes with the same tag are interchangeable at compile time, so tag a size
 * once and pass the value around.
 */
export const dim = <const Tag extends string>(tag: Tag, size: number): Dim<Tag> => {
  if (!Number.isInteger(size) || size <= 0) throw new InvalidArgumentError('dim', `expected size '${tag}' to be a positive integer, got ${size}`);
  return size as Dim<Tag>;
};

const formatPattern = (pattern: ShapePattern): string => `[${pattern.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;

/**
 * `Right(x)` retyped as `Tensor<PatternShape<P>>` when x's rank and sizes match `pattern`
 * (`null` matches any size), else `Left(ShapeError)`: `checkShape: expected shape [*, 784]
 * (* is any size), got [32, 28, 28]`. `api` names the caller in the message.
 */
export const checkShape = <const P extends ShapePattern>(x: Tensor, pattern: P, api = 'checkShape'): E.Either<ShapeError, Tensor<PatternShape<P>>> => {
  for (const d of pattern) {
    if (d !== null && !isSize(d)) throw new InvalidArgumentError(api, `expected a pattern of sizes and nulls, got ${formatPattern(pattern)}`);
  }
  const fits = x.shape.length === pattern.length && pattern.every((d, i) => d === null || d === x.shape[i]);
  if (fits) return E.right(x as Tensor<PatternShape<P>>);
  const wildcard = pattern.includes(null) ? ' (* is any size)' : '';
  return E.left(new ShapeError(api, `expected shape ${formatPattern(pattern)}${wildcard}, got [${x.shape.join(', ')}]`));
};

/** `checkShape(x, [null, features])`: a batch of examples with `features` values each. */
export const checkFeatures = <const F extends number>(x: Tensor, features: F, api = 'checkFeatures'): E.Either<ShapeError, Tensor<readonly [number, F]>> =>
  checkShape(x, [null, features] as const, api) as E.Either<ShapeError, Tensor<readonly [number, F]>>;

/** `checkShape` that throws its `ShapeError`: for inside a loop whose data was checked before. */
export const assertShape = <const P extends ShapePattern>(x: Tensor, pattern: P, api = 'assertShape'): Tensor<PatternShape<P>> => {
  const checked = checkShape(x, pattern, api);
  if (E.isLeft(checked)) throw checked.left;
  return checked.right;
};
