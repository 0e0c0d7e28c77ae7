/**
 * The run-time core of named sequential composition, shared by the record form
 * `sequential({ ... })` and the typed chain `sequential().add(...)`: entries run in order, the
 * params record has one branch per entry with parameters, under its name, and a fusable layer
 * (`dense`) directly followed by the exported `relu` runs as one fused kernel.
 */
import { ShapeError, split, type Backend, type Key, type Tensor, type Tree } from '../core/index.js';
import { relu } from './activations.js';
import { childContext, childPath, describeEntry, EMPTY, initNamed, isLayer, isRowwise, type Entry } from './entries.js';
import { evalContext, isFusable, type ApplyContext, type Layer } from './layer.js';

export type NamedEntries = readonly (readonly [string, Entry])[];

/** A layer running `entries` in order; names are assumed checked by the caller. */
export const composeSequence = (entries: NamedEntries): Layer<Tree, Tensor, Tensor> => {
  const names = entries.map(([name]) => name);
  const layerNames = entries.filter(([, entry]) => isLayer(entry)).map(([name]) => name);
  const describe = `sequential(${entries.map(([name, entry]) => `${name}: ${describeEntry(entry)}`).join(', ')})`;

  const init = (key: Key, backend: Backend): Tree => initNamed(entries, key, backend);

  const apply = (params: Tree, x: Tensor, context: ApplyContext = evalContext): Tensor => {
    const api = context.path === undefined ? 'sequential' : `sequential(${context.path})`;
    if (typeof params !== 'object' || params === null) throw new ShapeError(api, `expected a params record, got ${String(params)}`);
    const record = params as Readonly<Record<string, Tree>>;
    const unknown = Object.keys(record).filter((name) => !layerNames.includes(name));
    if (unknown.length > 0) throw new ShapeError(api, `params have entries [${unknown.join(', ')}] that are not layers of this model (layers: ${layerNames.join(', ')})`);
    const keys = context.key === undefined ? undefined : split(context.key, names.length);
    let h = x;
    for (let i = 0; i < entries.length; i++) {
      const [name, entry] = entries[i];
      if (!isLayer(entry)) {
        h = (entry as (x: Tensor) => Tensor)(h);
        continue;
      }
      const child = childContext(context, childPath(context, name), keys?.[i]);
      const childParams = record[name] ?? EMPTY;
      if (isFusable(entry) && entries[i + 1]?.[1] === relu) {
        h = entry.applyWithActivation(childParams, h, 'relu', child);
        i++; // the relu ran inside the layer's kernel
      } else {
        h = entry.apply(childParams, h, child);
      }
    }
    return h;
  };

  return { describe, init, apply, rowwise: entries.every(([, entry]) => isRowwise(entry)) };
};
