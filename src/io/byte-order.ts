/**
 * Byte order for the binary formats (IDX is big-endian, safetensors little-endian): typed arrays
 * read in the host's order, little-endian almost everywhere.
 *
 * @internal
 */

export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `width`-byte group of `raw` in place; callers pass only buffers they just allocated. */
export const swapBytesInPlace = (raw: Uint8Array, width: number): void => {
  for (let i = 0; i < raw.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = raw[lo];
      raw[lo] = raw[hi];
      raw[hi] = t;
    }
  }
};
