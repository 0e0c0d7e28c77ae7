/**
 * The type-level side of composition: what an entry takes, what it gives, which entries have
 * parameters and what the parameter record of a named composition is. Shape-generic entries
 * (`relu`, `dropout`) give back the type they are given, so literal sizes flow through them.
 */
import type { Tensor, Tree } from '../core/index.js';
import type { AnyLayer } from './entries.js';
import type { InputOf, NoParams, OutputOf, ParamsOf } from './layer.js';
import type { Fits, FormatShape, PreservesShape, ShapeMismatch, ShapeOf } from './shape-types.js';

declare const nameErrorBrand: unique symbol;

/** The parameter type of an entry name that cannot be used; the compiler prints the message. */
export interface EntryNameError<Message extends string> {
  readonly [nameErrorBrand]: Message;
}

type IsAny<T> = 0 extends 1 & T ? true : false;

/** true for a layer with parameters (not a function, not a `NoParams` layer such as dropout). */
export type HasParams<E> = E extends AnyLayer ? (IsAny<ParamsOf<E>> extends true ? true : [ParamsOf<E>] extends [NoParams] ? false : true) : false;

/** An entry's params, spelled out (`{ readonly weight: ...; readonly bias: ... }`) rather than by alias. */
export type EntryParams<E> = ParamsOf<E> extends infer P extends Tree ? (P extends Tensor ? P : { readonly [F in keyof P]: P[F] }) : never;

/** Names of the entries that are layers with parameters. */
export type ParamNames<E> = { [K in keyof E]: HasParams<E[K]> extends true ? K : never }[keyof E];

/** `{ readonly [name]: params of that entry }` for the entries that have parameters. */
export type NamedParams<E> = { readonly [K in ParamNames<E> & string]: EntryParams<E[K]> };

/** The params of one wrapped entry (residual, map): its own, or `NoParams` for a function. */
export type WrappedParams<E> = HasParams<E> extends true ? EntryParams<E> : NoParams;

/** What an entry takes (`Tensor<readonly [number, 784]>` for `dense(784, 256)`). */
export type EntryInput<E> = E extends AnyLayer ? InputOf<E> : E extends (x: infer X) => unknown ? X : never;

/** What an entry gives for an input of type `In`: `In` itself for a shape-generic entry. */
export type EntryOutput<E, In> = PreservesShape<E> extends true ? In : E extends AnyLayer ? OutputOf<E> : E extends (x: never) => infer R ? R : never;

/**
 * `E` when it accepts an input of type `In`, else the reason as a `ShapeMismatch` naming the
 * entry: `ShapeMismatch<"lin_2 expects x.shape[1] = 128, got 256 (x is [number, 256])">`.
 */
export type AcceptsInput<E, In, Name extends string> =
  Fits<ShapeOf<EntryInput<E>>, ShapeOf<In>> extends infer Reason
    ? Reason extends true ? E : ShapeMismatch<`${Name} expects ${Reason & string} (x is ${FormatShape<ShapeOf<In>>})`>
    : never;

/** `unknown` for a usable new entry name, else an `EntryNameError` saying why. */
export type CheckEntryName<Name extends string, Taken> = Name extends ''
  ? EntryNameError<'entry names must not be empty'>
  : Name extends `${string}.${string}`
    ? EntryNameError<`'${Name}' contains '.', which separates levels in parameter names`>
    : Name extends Taken
      ? EntryNameError<`'${Name}' is already an entry of this model`>
      : unknown;
