/**
 * A model's parameters at a glance, as PyTorch users read a state_dict: dotted names in the order
 * the layers were declared, shapes and element counts, and the total (the lecture's 784-256-10
 * MLP has 203,530). `summary` returns data; `formatSummary` renders the table.
 *
 * @example
 * formatSummary(summary(model, params));
 * // lin_1.weight  [256, 784]  200,704 ...  total 203,530
 */
import { formatShape, isTensor, type Shape, type Tree } from '../core/index.js';
import type { Layer } from './layer.js';

export interface ParameterInfo {
  /** Dotted name, e.g. `lin_1.weight` (array entries by index: `blocks.0.bias`). */
  readonly name: string;
  readonly shape: Shape;
  readonly count: number;
}

export interface ModelSummary {
  /** The layer's own description, e.g. `sequential(lin_1: dense(784 → 256), ...)`. */
  readonly layer: string;
  /** Leaves in declaration order (record insertion order), unlike `flattenTree`'s sorted order. */
  readonly parameters: readonly ParameterInfo[];
  readonly total: number;
}

const leavesInOrder = (tree: Tree, prefix: string): ParameterInfo[] => {
  if (isTensor(tree)) return [{ name: prefix, shape: tree.shape, count: tree.size }];
  const join = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
  if (Array.isArray(tree)) return tree.flatMap((child: Tree, i) => leavesInOrder(child, join(String(i))));
  const record = tree as { readonly [name: string]: Tree };
  return Object.keys(record).flatMap((name) => leavesInOrder(record[name], join(name)));
};

/** Names, shapes and counts of `params` (which `layer.init` made) and their total. */
export const summary = <P extends Tree>(layer: Layer<P, any, any>, params: P): ModelSummary => {
  const parameters = leavesInOrder(params, '');
  return { layer: layer.describe, parameters, total: parameters.reduce((n, p) => n + p.count, 0) };
};

const withThousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A fixed-width table: one row per parameter, then the total. */
export const formatSummary = (s: ModelSummary): string => {
  const rows = s.parameters.map((p) => [p.name, formatShape(p.shape), withThousands(p.count)] as const);
  const header = ['parameter', 'shape', 'count'] as const;
  const footer = ['total', '', withThousands(s.total)] as const;
  const all = [header, ...rows, footer];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: readonly [string, string, string]): string => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2].padStart(widths[2])}`;
  const rule = '-'.repeat(widths[0] + widths[1] + widths[2] + 4);
  return [s.layer, line(header), rule, ...rows.map(line), rule, line(footer)].join('\n');
};
