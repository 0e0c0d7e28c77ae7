/**
 * @internal How fit lets a backend recycle the optimizer state of finished steps without anyone
 * seeing a buffer change: it releases (Backend.release) only state it never handed out, and what
 * it hands out (to callbacks, in errors, as its result) it first makes durable (Backend.persist).
 * Only backends with both methods take part; on others these are identities and no-ops.
 */
import { fromBuffer, isTensor, type Tensor } from '../core/index.js';

const isPlainRecord = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isTensor(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The tensors of a structure of plain records and arrays (a train state); other values are skipped. */
export const tensorsIn = (value: unknown, out: Tensor[] = []): Tensor[] => {
  if (isTensor(value)) out.push(value);
  else if (Array.isArray(value)) for (const item of value as readonly unknown[]) tensorsIn(item, out);
  else if (isPlainRecord(value)) for (const key of Object.keys(value)) tensorsIn(value[key], out);
  return out;
};

/** `value` with each tensor replaced by `f(tensor)`; plain records and arrays are rebuilt, other values kept. */
export const mapTensors = <T>(value: T, f: (t: Tensor) => Tensor): T => {
  if (isTensor(value)) return f(value) as T;
  if (Array.isArray(value)) return (value as readonly unknown[]).map((item) => mapTensors(item, f)) as T;
  if (isPlainRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapTensors(item, f)])) as T;
  return value;
};

const recycles = (t: Tensor): boolean => t.backend.release !== undefined && t.backend.persist !== undefined;

/** `t` on a buffer no later release affects (`t` itself when its buffer already is one). */
export const persisted = (t: Tensor): Tensor => {
  if (t.backend.persist === undefined) return t;
  const buffer = t.backend.persist(t.buffer);
  return buffer === t.buffer ? t : fromBuffer(t.backend, buffer, t.shape);
};

/** `value` with every tensor a later release could recycle replaced by a durable copy. */
export const durable = <T>(value: T): T => mapTensors(value, (t) => (recycles(t) ? persisted(t) : t));

/** Releases the buffers of `old` that none of `newer` holds (an unchanged leaf lives on). */
export const retire = (old: unknown, newer: readonly unknown[]): void => {
  const kept = new Set(newer.flatMap((value) => tensorsIn(value)).map((t) => t.buffer));
  for (const t of tensorsIn(old)) {
    if (recycles(t) && !kept.has(t.buffer)) {
      kept.add(t.buffer); // a buffer listed twice is released once
      (t.backend.release as NonNullable<typeof t.backend.release>)(t.buffer);
    }
  }
};
