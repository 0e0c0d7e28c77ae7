/**
 * io-ts building blocks for the file boundaries (safetensors headers, checkpoint metadata, JSON
 * config files). Everything that arrives from outside is `unknown` until one of these decoders
 * says otherwise, and every refusal is an io-ts `DecodeError` tree that `D.draw` renders with the
 * path, what was expected and what was received.
 *
 * Records are decoded with `entries` rather than `D.record`: `D.record` silently drops a
 * `"__proto__"` key (it assigns into a plain object), and a header that loses an entry is exactly
 * the kind of partial load these decoders exist to prevent.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';
import * as DE from 'io-ts/lib/DecodeError.js';
import * as FS from 'io-ts/lib/FreeSemigroup.js';

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** All of `errors` as one tree; undefined for none. */
export const concatErrors = (errors: readonly D.DecodeError[]): D.DecodeError | undefined =>
  errors.length === 0 ? undefined : errors.slice(1).reduce((all, e) => FS.concat(all, e), errors[0]);

/** An error at `key` of an object (rendered as `required property "key"` / `optional property "key"`). */
export const keyError = (key: string, kind: DE.Kind, error: D.DecodeError): D.DecodeError => FS.of(DE.key(key, kind, error));

/** Integers in [0, 2^53): sizes, offsets, counts. */
export const nonNegativeInteger: D.Decoder<unknown, number> = pipe(
  D.number,
  D.refine((n): n is number => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer'),
);

/** A 32-bit unsigned word (a PRNG key word). */
export const uint32: D.Decoder<unknown, number> = pipe(
  D.number,
  D.refine((n): n is number => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer in [0, 2^32 - 1]'),
);

/**
 * The own entries of a JSON object in their order, each value decoded by `codomain`. Keeps every
 * key (including `"__proto__"`); an array or a non-object is refused.
 */
export const entries = <A>(codomain: D.Decoder<unknown, A>): D.Decoder<unknown, ReadonlyArray<readonly [string, A]>> => ({
  decode: (u) => {
    if (!isPlainObject(u)) return D.failure(u, 'an object');
    const out: (readonly [string, A])[] = [];
    const errors: D.DecodeError[] = [];
    for (const [k, v] of Object.entries(u)) {
      const decoded = codomain.decode(v);
      if (E.isLeft(decoded)) errors.push(keyError(k, DE.required, decoded.left));
      else out.push([k, decoded.right]);
    }
    const error = concatErrors(errors);
    return error === undefined ? D.success(out) : E.left(error);
  },
});

/**
 * `D.partial` that also refuses keys it does not know (io-ts' own decoders strip them silently):
 * a misspelt option in a config file must be an error, not a default.
 */
export const exactPartial = <A>(properties: { readonly [K in keyof A]: D.Decoder<unknown, A[K]> }): D.Decoder<unknown, Partial<{ [K in keyof A]: A[K] }>> => {
  const known = Object.keys(properties);
  const partial = D.partial(properties as { [K in keyof A]: D.Decoder<unknown, A[K]> });
  return {
    decode: (u) => {
      if (!isPlainObject(u)) return D.failure(u, 'an object');
      const unknownKeys = Object.keys(u).filter((k) => !known.includes(k));
      const errors = unknownKeys.map((k) => keyError(k, DE.optional, D.error(u[k], `absent: there is no option "${k}" (the options are ${known.join(', ')})`)));
      const decoded = partial.decode(u);
      if (E.isLeft(decoded)) errors.push(decoded.left);
      const error = concatErrors(errors);
      return error === undefined ? decoded : E.left(error);
    },
  };
};

/** A string that holds JSON, whose parsed value `inner` decodes (checkpoint metadata values). */
export const jsonString = <A>(inner: D.Decoder<unknown, A>): D.Decoder<unknown, A> => ({
  decode: (u) => {
    if (typeof u !== 'string') return D.failure(u, 'a string holding JSON');
    let parsed: unknown;
    try {
      parsed = JSON.parse(u);
    } catch {
      return D.failure(u, 'a string holding JSON');
    }
    return inner.decode(parsed);
  },
});

/** A JSON scalar: what a non-tensor leaf of an optimizer state can be. */
export type JsonScalar = number | boolean | string | null;

export const jsonScalar: D.Decoder<unknown, JsonScalar> = {
  decode: (u) =>
    u === null || typeof u === 'boolean' || typeof u === 'string' || (typeof u === 'number' && Number.isFinite(u))
      ? D.success(u)
      : D.failure(u, 'a JSON scalar (finite number, boolean, string or null)'),
};
