/**
 * Errors at the file boundary (IDX bytes, the files that hold them, the MNIST layout on top) are
 * values, not exceptions: one tagged record whose `_tag` says what went wrong and whose `message`
 * names the API, the file, what was expected and what was received.
 */

/**
 * What went wrong:
 * - `BadMagic`: the first two bytes are not `00 00`, so this is not an IDX file.
 * - `UnsupportedType`: an IDX type code outside 0x08/0x09/0x0B/0x0C/0x0D/0x0E, or a dtype the
 *   caller cannot use (MNIST images that are not uint8).
 * - `Truncated`: fewer bytes than the header (or the shape it declares) requires.
 * - `TrailingBytes`: more bytes than the declared shape accounts for.
 * - `CountMismatch`: images and labels disagree on the number of examples.
 * - `BadShape`: a rank or image size the caller cannot use (labels that are not rank 1, ...).
 * - `BadLabel`: a class index outside `0..numClasses-1`.
 * - `BadOption`: an option out of its domain (`trainSize: 0`).
 * - `NotFound`: a file, directory or package that does not exist.
 * - `Gzip`: gzip data that does not inflate, or gzip bytes handed to the (synchronous) parser.
 * - `Io`: any other failure of the file system (permissions, a directory where a file was expected).
 */
export type IdxErrorTag =
  | 'BadMagic'
  | 'UnsupportedType'
  | 'Truncated'
  | 'TrailingBytes'
  | 'CountMismatch'
  | 'BadShape'
  | 'BadLabel'
  | 'BadOption'
  | 'NotFound'
  | 'Gzip'
  | 'Io';

export interface IdxError {
  readonly _tag: IdxErrorTag;
  /** Names the API and the file, e.g. `parseIdx(t10k-labels-idx1-ubyte): expected ...`. */
  readonly message: string;
  /** The file the error is about, when there is one. */
  readonly path?: string;
}

/** Builds an error record; `path` is omitted from the record when undefined. */
export const idxError = (tag: IdxErrorTag, message: string, path?: string): IdxError =>
  path === undefined ? { _tag: tag, message } : { _tag: tag, message, path };

/**
 * One line for a CLI or a log: `Truncated: parseIdx(x.idx): ...`. Newlines in the message
 * (from a wrapped system error) are folded into spaces so the line stays one line.
 *
 * @example
 * formatIdxError({ _tag: 'NotFound', message: 'readIdxFile(/d/x): no such file' });
 * // 'NotFound: readIdxFile(/d/x): no such file'
 */
export const formatIdxError = (error: IdxError): string => `${error._tag}: ${error.message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`;
