/**
 * Adam's direction with PyTorch semantics (NUMERICS.md): `m ← β1·m + (1 − β1)·g`,
 * `v ← β2·v + (1 − β2)·g²`, output `m̂ / (√v̂ + ε)` with `m̂ = m / (1 − β1^t)`, `v̂ = v / (1 − β2^t)`
 * and ε added AFTER the square root (not Keras' "epsilon hat"). The bias corrections are computed
 * in float64 with Math.pow from the step count kept in the state.
 */
import { add, div, fromBuffer, mul, sqrt, treeMap, zeros, type Tree } from '../core/index.js';
import { checkNonNegative, checkUnitInterval } from './hyper.js';
import { mapLeaves } from './leaves.js';
import type { GradientTransformation } from './transform.js';

export interface AdamState {
  /** Updates done so far (PyTorch's `step`, before this update). */
  readonly count: number;
  /** First moment, shaped like the params. */
  readonly mu: Tree;
  /** Second (uncentred) moment, shaped like the params. */
  readonly nu: Tree;
}

export interface AdamOptions {
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
}

/** Adam's per-step scalars: m̂/(√v̂ + ε) = stepScale · m / (√v + epsScaled), for step t = 1, 2, ... */
export const adamScalars = (b1: number, b2: number, eps: number, t: number): { readonly stepScale: number; readonly epsScaled: number } => {
  const correction1 = 1 - Math.pow(b1, t);
  const sqrtCorrection2 = Math.sqrt(1 - Math.pow(b2, t));
  // (√c2 / c1) · m / (√v + ε·√c2): one pass fewer than correcting m and v apart.
  return { stepScale: sqrtCorrection2 / correction1, epsScaled: eps * sqrtCorrection2 };
};

export const scaleByAdam = (options: AdamOptions = {}): GradientTransformation<AdamState> => {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  checkUnitInterval('scaleByAdam', 'b1', b1);
  checkUnitInterval('scaleByAdam', 'b2', b2);
  checkNonNegative('scaleByAdam', 'eps', eps);
  const zerosLike = (params: Tree): Tree => treeMap(params, (p) => zeros(p.backend, p.shape));
  return {
    init: (params) => ({ count: 0, mu: zerosLike(params), nu: zerosLike(params) }),
    update: (grads, state) => {
      const t = state.count + 1;
      const { stepScale, epsScaled } = adamScalars(b1, b2, eps, t);
      const hyper = { b1, b2, stepScale, epsScaled };
      const [updates, mu, nu] = mapLeaves('scaleByAdam', 'the Adam moments', [grads, state.mu, state.nu], 3, ([g, m, v]) => {
        const traced = g.node !== undefined || m.node !== undefined || v.node !== undefined;
        if (g.backend.adamStep !== undefined && !traced && g.backend === m.backend && g.backend === v.backend) {
          // One fused sweep instead of eleven elementwise passes (and eleven allocations).
          const out = g.backend.adamStep(g.buffer, m.buffer, v.buffer, g.shape, hyper);
          return [fromBuffer(g.backend, out.result, g.shape), fromBuffer(g.backend, out.mu, g.shape), fromBuffer(g.backend, out.nu, g.shape)];
        }
        const m1 = add(mul(m, b1), mul(g, 1 - b1));
        const v1 = add(mul(v, b2), mul(mul(g, g), 1 - b2));
        return [mul(div(m1, add(sqrt(v1), epsScaled)), stepScale), m1, v1];
      });
      return [updates, { count: t, mu, nu }];
    },
  };
};
