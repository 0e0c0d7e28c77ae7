/**
 * `customVjp(f, { fwd, bwd })`: a function whose gradient is given by hand (JAX's custom_vjp).
 * `fwd` computes the output and residuals from constant inputs; `bwd` maps residuals and an
 * output cotangent to one cotangent per input. Use it for numerically better rules (a stable
 * softplus, a clipped straight-through estimator) or fused kernels.
 *
 * @example
 * const square = customVjp((x: Tensor) => mul(x, x), {
 *   fwd: (x) => [mul(x, x), x],
 *   bwd: (x, ct) => [mul(ct, mul(x, 2))],
 * });
 */
import { ShapeError } from '../errors.js';
import { detach } from '../primitives/primitive.js';
import { formatShape, shapesEqual } from '../shape.js';
import { fromBuffer, type Node, type Tensor } from '../tensor.js';

export interface CustomVjpRules<Args extends readonly Tensor[], R> {
  readonly fwd: (...args: Args) => readonly [Tensor, R];
  readonly bwd: (residual: R, ct: Tensor) => readonly (Tensor | undefined)[];
}

export const customVjp =
  <Args extends readonly Tensor[], R>(f: (...args: Args) => Tensor, rules: CustomVjpRules<Args, R>) =>
  (...args: Args): Tensor => {
    if (!args.some((a) => a.node !== undefined)) return f(...args);
    const [out, residual] = rules.fwd(...(args.map(detach) as unknown as Args));
    const node: Node = {
      parents: args,
      pullback: (ct) => {
        const cts = rules.bwd(residual, ct);
        cts.forEach((g, i) => {
          if (g !== undefined && !shapesEqual(g.shape, args[i].shape)) {
            throw new ShapeError('customVjp', `bwd returned a cotangent of shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(args[i].shape)}`);
          }
        });
        return cts;
      },
    };
    return fromBuffer(out.backend, out.buffer, out.shape, node);
  };
