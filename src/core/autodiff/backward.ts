/**
 * The reverse sweep. From the output's node, visit every node that depends on the leaves of this
 * differentiation in reverse topological order, call its pullback once with the summed cotangent,
 * and sum each resulting cotangent down to its input's shape. That last step undoes broadcasting
 * for every primitive at once, so no VJP rule repeats it.
 */
import { ShapeError } from '../errors.js';
import { add } from '../primitives/add.js';
import { reshape } from '../primitives/reshape.js';
import { sum } from '../primitives/sum.js';
import { formatShape, shapesEqual, type Shape } from '../shape.js';
import type { Node, Tensor } from '../tensor.js';

/** Sums a broadcast cotangent back to `shape` (leading axes, and axes of size 1 in `shape`). */
export const sumToShape = (ct: Tensor, shape: Shape): Tensor => {
  if (shapesEqual(ct.shape, shape)) return ct;
  const lead = ct.shape.length - shape.length;
  if (lead < 0) throw new ShapeError('backward', `cotangent ${formatShape(ct.shape)} has lower rank than its input ${formatShape(shape)}`);
  const axes: number[] = [];
  ct.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return reshape(axes.length === 0 ? ct : sum(ct, { axes }), shape);
};

/** Nodes reachable from `root` that depend on a leaf of `token`, parents before children. */
const topologicalOrder = (root: Node, token: object): Node[] => {
  const order: Node[] = [];
  const dependsOnLeaf = new Map<Node, boolean>();
  // Iterative post-order DFS: deep graphs must not overflow the JS stack.
  const stack: Array<{ node: Node; next: number }> = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const { node } = frame;
    if (node.leafOf === token) {
      dependsOnLeaf.set(node, true);
      stack.pop();
      continue;
    }
    if (frame.next < node.parents.length) {
      const parent = node.parents[frame.next++].node;
      if (parent !== undefined && !dependsOnLeaf.has(parent)) stack.push({ node: parent, next: 0 });
      continue;
    }
    stack.pop();
    const depends = node.parents.some((p) => p.node !== undefined && dependsOnLeaf.get(p.node) === true);
    dependsOnLeaf.set(node, depends);
    if (depends) order.push(node);
  }
  return order;
};

/** Runs the reverse sweep from `out` with cotangent `ct`; returns the summed cotangent per leaf node. */
export const backward = (out: Tensor, ct: Tensor, token: object): Map<Node, Tensor> => {
  const cotangents = new Map<Node, Tensor>();
  if (out.node === undefined) return cotangents;
  cotangents.set(out.node, ct);
  const order = topologicalOrder(out.node, token);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const nodeCt = cotangents.get(node);
    if (nodeCt === undefined) continue;
    cotangents.delete(node); // free intermediate cotangents as soon as they are consumed
    const parentCts = node.pullback(nodeCt);
    node.parents.forEach((parent, j) => {
      const parentCt = parentCts[j];
      if (parent.node === undefined || parentCt === undefined) return;
      const reduced = sumToShape(parentCt, parent.shape);
      const previous = cotangents.get(parent.node);
      cotangents.set(parent.node, previous === undefined ? reduced : add(previous, reduced));
    });
  }
  return cotangents;
};
