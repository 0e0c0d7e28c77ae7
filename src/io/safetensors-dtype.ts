/**
 * Element types of the safetensors format and the host conversions purenet supports. Every
 * byte-sized dtype of the reference implementation is known (so that any file's layout can be
 * checked), but only the floating-point ones become tensors: F32 and F64 exactly, F16 and BF16
 * widened exactly to float32. Data is little-endian on disk, whatever the host.
 */
import { hostIsLittleEndian, swapBytesInPlace } from './byte-order.js';

/** The reference implementation's dtypes in its declaration order (which orders tensors on write). */
export const safetensorsDTypes = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64'] as const;

export type SafetensorsDType = (typeof safetensorsDTypes)[number];

/** Bytes per element. */
export const dtypeBytes: { readonly [D in SafetensorsDType]: number } = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The dtypes that load as tensors. */
export type FloatDType = 'F16' | 'BF16' | 'F32' | 'F64';
export const floatDTypes: readonly FloatDType[] = ['F32', 'F64', 'F16', 'BF16'];
export const isFloatDType = (dtype: SafetensorsDType): dtype is FloatDType => (floatDTypes as readonly string[]).includes(dtype);

/** The dtypes purenet writes: a tensor's own precision. */
export type WritableDType = 'F32' | 'F64';

/** A fresh, aligned copy of `bytes` in host order (the file's data need not be aligned). */
const hostCopy = (bytes: Uint8Array, width: number): ArrayBuffer => {
  const raw = new Uint8Array(bytes.length);
  raw.set(bytes);
  if (!hostIsLittleEndian && width > 1) swapBytesInPlace(raw, width);
  return raw.buffer;
};

/** IEEE half to float (exact: every half is a float32). */
const halfToNumber = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
};

/** Little-endian element bytes to a new host array (F16 and BF16 widen to float32). */
export const readFloats = (dtype: FloatDType, bytes: Uint8Array): Float32Array | Float64Array => {
  switch (dtype) {
    case 'F32':
      return new Float32Array(hostCopy(bytes, 4));
    case 'F64':
      return new Float64Array(hostCopy(bytes, 8));
    case 'F16': {
      const half = new Uint16Array(hostCopy(bytes, 2));
      return Float32Array.from(half, halfToNumber);
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place, NaN payloads included.
      const half = new Uint16Array(hostCopy(bytes, 2));
      const out = new Float32Array(half.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < half.length; i++) bits[i] = half[i] << 16;
      return out;
    }
  }
};

/** The little-endian bytes of a host array (a copy). */
export const floatBytes = (data: Float32Array | Float64Array): Uint8Array => {
  const raw = new Uint8Array(data.byteLength);
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!hostIsLittleEndian) swapBytesInPlace(raw, data.BYTES_PER_ELEMENT);
  return raw;
};
