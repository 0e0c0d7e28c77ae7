/**
 * A checksum for the files purenet writes. The safetensors format has none, so a flipped bit in
 * the data would load as a slightly different model; purenet stores a CRC-32 of the file's
 * contents in the metadata key `purenet.crc32` (other readers ignore it) and its reader checks it
 * whenever it is present. The CRC covers a canonical form of the header (so that whitespace and
 * key order do not matter, and the CRC need not cover itself) followed by the data bytes.
 */
import type { SafetensorsHeader } from './safetensors-header.js';

export const CHECKSUM_KEY = 'purenet.crc32';

/** CRC-32 (IEEE 802.3, as zlib and PNG) over the chunks in order. */
export const crc32 = (chunks: readonly Uint8Array[]): number => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) crc = table[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
};

/** The header as the checksum sees it: metadata (minus the checksum) and entries, each sorted by key. */
const canonicalHeader = (header: SafetensorsHeader): Uint8Array => {
  const metadata = Object.entries(header.metadata)
    .filter(([k]) => k !== CHECKSUM_KEY)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tensors = [...header.tensors]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => [t.name, t.dtype, t.shape, t.dataOffsets]);
  return new TextEncoder().encode(JSON.stringify([metadata, tensors]));
};

/** The checksum of a header and its data, as the 8 hex digits stored under `purenet.crc32`. */
export const contentChecksum = (header: SafetensorsHeader, data: Uint8Array): string =>
  crc32([canonicalHeader(header), data]).toString(16).padStart(8, '0');
