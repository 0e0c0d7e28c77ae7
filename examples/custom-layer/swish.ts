/**
 * A user-written activation with a hand-written gradient: swish(x) = x·sigmoid(x) (SiLU) through
 * `customVjp`, whose rule is the analytic derivative σ(x)·(1 + x·(1 − σ(x))), computed from the
 * σ(x) saved by the forward pass. Plus the same rule with a factor forgotten, to show a failure.
 */
import { add, customVjp, mul, sigmoid, sub, type Tensor } from '../../src/index.js';

interface SwishResidual {
  readonly x: Tensor;
  /** sigmoid(x), computed once in the forward pass and reused by the rule. */
  readonly s: Tensor;
}

const forward = (x: Tensor): readonly [Tensor, SwishResidual] => {
  const s = sigmoid(x);
  return [mul(x, s), { x, s }];
};

/** swish(x) = x·σ(x), elementwise, any shape; d/dx = σ(x) + x·σ(x)(1 − σ(x)). */
export const swish: (x: Tensor) => Tensor = customVjp((x: Tensor) => mul(x, sigmoid(x)), {
  fwd: forward,
  bwd: ({ x, s }, ct) => [mul(ct, mul(s, add(1, mul(x, sub(1, s)))))],
});

/**
 * DELIBERATELY WRONG, for the failure demonstration: the product rule's second term lost its
 * factor x, giving σ(x)·(2 − σ(x)). Right at x = 1 only (where x = 1 hides the missing factor).
 */
export const swishMissingFactor: (x: Tensor) => Tensor = customVjp((x: Tensor) => mul(x, sigmoid(x)), {
  fwd: forward,
  bwd: ({ s }, ct) => [mul(ct, mul(s, sub(2, s)))],
});
