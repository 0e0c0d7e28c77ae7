/**
 * Trees of state as named entries, and back. A parameter tree flattens to PyTorch's dotted
 * names (core's `flattenTree`); an optimizer state is a wider tree whose leaves are tensors or
 * JSON scalars (Adam's `count`), flattened by the same rules (records by sorted key, arrays by
 * index) so that `opt.1.mu.lin_1.weight` reads like the parameter it belongs to. Restoring walks
 * a *template* (the model's own params, `optimizer.init(params)`): the template decides the
 * structure, the file supplies the values, and every disagreement is collected, not thrown.
 */
import { formatShape, InvalidArgumentError, isTensor, shapesEqual, tensor, type Backend, type Tensor } from '../core/index.js';
import type { JsonScalar } from './codecs.js';
import type { SafetensorsTensor } from './safetensors.js';

export interface FlatState {
  readonly tensors: ReadonlyArray<readonly [name: string, leaf: Tensor]>;
  readonly scalars: ReadonlyArray<readonly [path: string, value: JsonScalar]>;
}

const join = (prefix: string, key: string): string => (prefix === '' ? key : key === '' ? prefix : `${prefix}.${key}`);

const isScalar = (value: unknown): value is JsonScalar =>
  value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Children in flattenTree's order: arrays by index, records by sorted key; undefined fields are absent. */
const children = (value: readonly unknown[] | Readonly<Record<string, unknown>>): ReadonlyArray<readonly [string, unknown]> =>
  Array.isArray(value)
    ? value.map((child, i) => [String(i), child] as const)
    : Object.keys(value)
        .sort()
        .filter((k) => (value as Readonly<Record<string, unknown>>)[k] !== undefined)
        .map((k) => [k, (value as Readonly<Record<string, unknown>>)[k]] as const);

/**
 * Tensor leaves named `prefix.path` and scalar leaves by path (without the prefix). Throws
 * InvalidArgumentError on a leaf that is neither (a function, a class instance, NaN): a state
 * that cannot be saved is the caller's bug.
 */
export const flattenState = (api: string, state: unknown, prefix: string): FlatState => {
  const tensors: (readonly [string, Tensor])[] = [];
  const scalars: (readonly [string, JsonScalar])[] = [];
  const walk = (value: unknown, path: string): void => {
    if (isTensor(value)) tensors.push([join(prefix, path), value]);
    else if (isScalar(value)) scalars.push([path, value]);
    else if (Array.isArray(value) || isRecord(value)) for (const [k, child] of children(value)) walk(child, join(path, k));
    else throw new InvalidArgumentError(api, `expected the state at '${path}' to be a tensor, a finite number, a boolean, a string, null, an array or a plain record, got ${typeof value === 'number' ? value : typeof value}`);
  };
  walk(state, '');
  return { tensors, scalars };
};

/** A disagreement between a file and the template it loads into. */
export type StateProblem =
  | { readonly kind: 'missing'; readonly name: string }
  | { readonly kind: 'shape'; readonly name: string; readonly file: readonly number[]; readonly model: readonly number[] }
  | { readonly kind: 'scalar'; readonly name: string; readonly expected: string; readonly got: JsonScalar };

export interface StateSource {
  readonly tensor: (name: string) => SafetensorsTensor | undefined;
  readonly scalar: (path: string) => JsonScalar | undefined;
}

const kindOf = (value: JsonScalar): string => (value === null ? 'null' : typeof value);

/**
 * Rebuilds `template` with leaves from `source` (tensors by `prefix.path`, scalars by path) on
 * `backend`. Problems are pushed to `problems`; the returned value is only meaningful when none were.
 */
export const restoreState = (template: unknown, prefix: string, source: StateSource, backend: Backend, problems: StateProblem[]): unknown => {
  const walk = (value: unknown, path: string): unknown => {
    if (isTensor(value)) {
      const name = join(prefix, path);
      const found = source.tensor(name);
      if (found === undefined) problems.push({ kind: 'missing', name });
      else if (!shapesEqual(found.shape, value.shape)) problems.push({ kind: 'shape', name, file: found.shape, model: value.shape });
      else return tensor(backend, found.data, value.shape);
      return value;
    }
    if (isScalar(value)) {
      const found = source.scalar(path);
      if (found === undefined) problems.push({ kind: 'missing', name: join(prefix, path) });
      else if (kindOf(found) !== kindOf(value)) problems.push({ kind: 'scalar', name: join(prefix, path), expected: kindOf(value), got: found });
      else return found;
      return value;
    }
    if (Array.isArray(value)) return children(value).map(([k, child]) => walk(child, join(path, k)));
    if (isRecord(value)) return Object.fromEntries(children(value).map(([k, child]) => [k, walk(child, join(path, k))]));
    throw new InvalidArgumentError('restoreState', `expected the template at '${path}' to be a tensor, a JSON scalar, an array or a plain record, got ${typeof value}`);
  };
  return walk(template, '');
};

const list = (names: readonly string[], limit = 8): string =>
  names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;

/**
 * One line in the spirit of PyTorch's strict `load_state_dict`: every missing name, every
 * unexpected name and every shape mismatch, e.g.
 * `missing 1: lin_2.bias; unexpected 1: fc.weight; shape mismatch (file vs model): lin_1.weight [128, 784] vs [256, 784]`.
 */
export const describeProblems = (problems: readonly StateProblem[], unexpected: readonly string[]): string => {
  const parts: string[] = [];
  const missing = problems.filter((p) => p.kind === 'missing').map((p) => p.name);
  if (missing.length > 0) parts.push(`missing ${missing.length}: ${list(missing)}`);
  if (unexpected.length > 0) parts.push(`unexpected ${unexpected.length}: ${list(unexpected)}`);
  const shapes = problems.flatMap((p) => (p.kind === 'shape' ? [`${p.name} ${formatShape(p.file)} vs ${formatShape(p.model)}`] : []));
  if (shapes.length > 0) parts.push(`shape mismatch (file vs model): ${list(shapes, 4)}`);
  const scalars = problems.flatMap((p) => (p.kind === 'scalar' ? [`${p.name} is ${JSON.stringify(p.got)}, expected a ${p.expected}`] : []));
  if (scalars.length > 0) parts.push(`wrong value: ${list(scalars, 4)}`);
  return parts.join('; ');
};
