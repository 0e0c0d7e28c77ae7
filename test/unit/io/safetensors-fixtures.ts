/** Shared bytes and helpers for the safetensors tests. */
import { expect } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import type { SafetensorsError, SafetensorsErrorTag } from '../../../src/io/index.js';

/**
 * Written by the reference implementation (Python safetensors 0.8.0, `safetensors.numpy.save`):
 * w F16 [2, 3] = [[1, -2.5, 3.25], [0.1, 65504, -0]], b F32 [2] = [0.1, -1e-3], d F64 [1] = [pi],
 * s F32 [] = 2.5, metadata { who: 'reference' }.
 */
export const referenceFile = Buffer.from(
  'AAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJ3aG8iOiJyZWZlcmVuY2UifSwiZCI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzAsOF19LCJiIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbOCwxNl19LCJzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsxNiwyMF19LCJ3Ijp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOlsyMCwzMl19fSAgGC1EVPshCUDNzMw9bxKDugAAIEAAPADBgEJmLv97AIA=',
  'base64',
);

/** Written by the reference implementation: n I64 [2] = [1, 2], x F32 [1] = [1]. */
export const referenceInt64File = Buffer.from(
  'cAAAAAAAAAB7Im4iOnsiZHR5cGUiOiJJNjQiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlswLDE2XX0sIngiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzFdLCJkYXRhX29mZnNldHMiOlsxNiwyMF19fSAgAQAAAAAAAAACAAAAAAAAAAAAgD8=',
  'base64',
);

/** A file from a header given as text (padded to 8 bytes) and raw data bytes, for hand-made lies. */
export const fileFrom = (header: string, data: ArrayLike<number> = []): Uint8Array => {
  const text = new TextEncoder().encode(header);
  const length = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + length + data.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + length);
  out.set(Array.from(data), 8 + length);
  return out;
};

/** The header text of a file (between the length prefix and the data). */
export const headerText = (bytes: Uint8Array): string => {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return new TextDecoder().decode(bytes.subarray(8, 8 + length));
};

/** Asserts a Left with `tag` whose message matches `message`. */
export const expectLeft = (result: E.Either<SafetensorsError, unknown>, tag: SafetensorsErrorTag, message: RegExp): void => {
  expect(E.isLeft(result) ? result.left._tag : 'Right').toBe(tag);
  if (E.isLeft(result)) expect(result.left.message).toMatch(message);
};

/** The Right of an Either, failing the test with the Left's message otherwise. */
export const right = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, got Left: ${result.left.message}`);
  return result.right;
};

/** Bit patterns of a float array (so NaN payloads and -0 compare exactly). */
export const bits = (data: Float32Array | Float64Array): number[] =>
  data instanceof Float32Array ? Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length)) : Array.from(new Uint32Array(data.buffer, data.byteOffset, 2 * data.length));

/**
 * Written by the reference implementation: `save({'lin.weight': float32 [[-1, -0.5, 0], [0.5, 1, 1.5]],
 * 'z': float64 [1.5, -2.25, 3], 'a.bias': float32 [7, 8, 9, 10, 11]}, metadata={'format': 'pt'})`.
 * encodeSafetensors must reproduce it byte for byte (F64 first, then by name; space padding).
 */
export const referenceMixedFile = Buffer.from(
  '2AAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJ6Ijp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJhLmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzVdLCJkYXRhX29mZnNldHMiOlsyNCw0NF19LCJsaW4ud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOls0NCw2OF19fSAgICAAAAAAAAD4PwAAAAAAAALAAAAAAAAACEAAAOBAAAAAQQAAEEEAACBBAAAwQQAAgL8AAAC/AAAAAAAAAD8AAIA/AADAPw==',
  'base64',
);
