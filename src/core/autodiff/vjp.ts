/**
 * `vjp(f)(...args)` evaluates f and returns its output with the pullback: a function from an
 * output cotangent to one cotangent tree per argument, each with that argument's structure.
 * Every tensor in the arguments is differentiated (pass constants through closures). Nested
 * differentiation (vjp of a function that itself calls vjp on traced values) is not supported and
 * is refused with an error rather than answered wrongly.
 *
 * @example
 * const [y, pullback] = vjp((w: Tensor, x: Tensor) => sum(mul(w, x)))(w, x);
 * const [dw, dx] = pullback(scalar(cpu, 1));
 */
import { PurenetError, ShapeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { fromBuffer, zeros, type Node, type Tensor } from '../tensor.js';
import { treeMap, type Tree } from '../tree.js';
import { backward } from './backward.js';

export type Pullback<Args extends readonly Tree[]> = (ct: Tensor) => Args;

const asLeaf = (t: Tensor, token: object, path: string): Tensor => {
  if (t.node !== undefined) {
    throw new PurenetError('vjp', `argument '${path}' is already being differentiated; nested differentiation is not supported`);
  }
  const node: Node = { parents: [], pullback: () => [], leafOf: token };
  return fromBuffer(t.backend, t.buffer, t.shape, node);
};

export const vjp =
  <Args extends readonly Tree[], Out extends Tensor>(f: (...args: Args) => Out) =>
  (...args: Args): readonly [Out, Pullback<Args>] => {
    const token = {};
    const leafArgs = args.map((arg, i) => treeMap(arg, (t, path) => asLeaf(t, token, path === '' ? `#${i}` : `#${i}.${path}`))) as unknown as Args;
    const traced = f(...leafArgs);
    const out = (traced.node === undefined ? traced : fromBuffer(traced.backend, traced.buffer, traced.shape)) as Out;
    const pullback = (ct: Tensor): Args => {
      if (!shapesEqual(ct.shape, out.shape)) {
        throw new ShapeError('vjp', `expected a cotangent of shape ${formatShape(out.shape)}, got ${formatShape(ct.shape)}`);
      }
      const cts = backward(traced, ct, token);
      return leafArgs.map((arg) =>
        treeMap(arg, (leaf) => {
          const g = cts.get(leaf.node as Node);
          return g === undefined ? zeros(leaf.backend, leaf.shape) : g.node === undefined ? g : fromBuffer(g.backend, g.buffer, g.shape);
        }),
      ) as unknown as Args;
    };
    return [out, pullback];
  };

