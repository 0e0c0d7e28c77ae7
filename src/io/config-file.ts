/**
 * JSON configuration files (Node), decoded with io-ts like any other boundary: the file must be
 * UTF-8 JSON without repeated keys, and the caller's decoder (typically `exactPartial`, which
 * refuses unknown keys) gives the typed value. A refusal is a `ConfigError` whose message holds
 * io-ts' error tree (`D.draw`): the path, what was expected and what was received.
 *
 * @example
 * const config = await readConfigFile('mnist.json', exactPartial({ epochs: intArg(0) }));
 * // Left: "readConfigFile(mnist.json): invalid configuration:\noptional property "epochs"\n└─ cannot decode -1, ..."
 */
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { fileSystemError } from './idx-file.js';
import { duplicateKeys } from './json-keys.js';

/** `NotFound` / `Io`: the file could not be read; `BadJson`: not JSON; `BadConfig`: JSON the decoder refused. */
export interface ConfigError {
  readonly _tag: 'NotFound' | 'Io' | 'BadJson' | 'BadConfig';
  readonly message: string;
  readonly path: string;
}

/** Parses `text` (from `path`) and decodes it; pure, for configs that do not come from a file. */
export const decodeConfigText = <A>(text: string, decoder: D.Decoder<unknown, A>, path: string): E.Either<ConfigError, A> => {
  const api = `readConfigFile(${path})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    return E.left({ _tag: 'BadJson', path, message: `${api}: expected JSON, got a syntax error: ${cause instanceof Error ? cause.message : String(cause)}` });
  }
  const repeated = duplicateKeys(text);
  if (repeated.length > 0) return E.left({ _tag: 'BadJson', path, message: `${api}: expected each key once, got ${repeated.map((k) => `"${k}"`).join(', ')} more than once` });
  const decoded = decoder.decode(parsed);
  return E.isLeft(decoded) ? E.left({ _tag: 'BadConfig', path, message: `${api}: invalid configuration:\n${D.draw(decoded.left)}` }) : E.right(decoded.right);
};

/** Reads a UTF-8 JSON file and decodes it with `decoder`. */
export const readConfigFile = async <A>(path: string, decoder: D.Decoder<unknown, A>): Promise<E.Either<ConfigError, A>> => {
  let text: string;
  try {
    // Editors on Windows may start UTF-8 with a byte-order mark, which JSON.parse refuses.
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (cause) {
    const error = fileSystemError('readConfigFile', path, cause);
    return E.left({ _tag: error._tag === 'NotFound' ? 'NotFound' : 'Io', path, message: error.message });
  }
  return decodeConfigText(text, decoder, path);
};
