/**
 * Gradient clipping by global norm with torch.nn.utils.clip_grad_norm_'s numbers: the norm is
 * taken over all leaves together, `‖g‖ = √(Σ g²)`, and every leaf is multiplied by
 * `min(1, maxNorm / (‖g‖ + 1e-6))`. It stays on the device (no readback): the coefficient is a
 * scalar tensor. A non-finite norm propagates (PyTorch's default `error_if_nonfinite=False`).
 */
import { add, div, maximum, mul, sqrt, sum, treeLeaves, treeMap, type Tensor, type Tree } from '../core/index.js';
import { checkPositive } from './hyper.js';
import { type EmptyState, type GradientTransformation, identity } from './transform.js';

/** PyTorch's guard against division by a zero norm. */
const NORM_EPS = 1e-6;

/** √(Σ over all leaves of g²) as a scalar tensor `[]`, or undefined for a tree without leaves. */
export const globalNorm = (tree: Tree): Tensor | undefined => {
  const leaves = treeLeaves(tree);
  if (leaves.length === 0) return undefined;
  let total = sum(mul(leaves[0], leaves[0]));
  for (let i = 1; i < leaves.length; i++) total = add(total, sum(mul(leaves[i], leaves[i])));
  return sqrt(total);
};

export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<EmptyState> => {
  checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm);
  return {
    init: identity().init,
    update: (grads, state) => {
      const norm = globalNorm(grads);
      if (norm === undefined) return [grads, state];
      // maxNorm / max(‖g‖ + 1e-6, maxNorm) = min(1, maxNorm / (‖g‖ + 1e-6)), exactly 1 below the threshold.
      const coefficient = div(maxNorm, maximum(add(norm, NORM_EPS), maxNorm));
      return [treeMap(grads, (g) => mul(g, coefficient)), state];
    },
  };
};
