/**
 * Gradients of scalar functions, the training loop's entry point.
 * `valueAndGrad(loss)(params, ...rest)` returns the loss and a gradient tree with the structure
 * of `params`; the other arguments are constants. With `{ hasAux: true }` the function returns
 * `[loss, aux]` and aux (e.g. logits for metrics) is passed through untraced.
 *
 * @example
 * const [loss, grads] = valueAndGrad((p: Params, b: Batch) => crossEntropy(model.apply(p, b.x), b.y))(params, batch);
 */
import { ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { full, isTensor, type Tensor } from '../tensor.js';
import type { Tree } from '../tree.js';
import { detach } from '../primitives/primitive.js';
import { vjp } from './vjp.js';

/** Strips autodiff links from every tensor inside aux (tensors, arrays, plain records). */
const detachDeep = (value: unknown): unknown => {
  if (isTensor(value)) return detach(value);
  if (Array.isArray(value)) return value.map(detachDeep);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, detachDeep(v)]));
  }
  return value;
};

const checkScalar = (loss: Tensor): void => {
  if (loss.size !== 1) {
    throw new ShapeError('valueAndGrad', `expected the function to return one value (shape [] or [1]), got shape ${formatShape(loss.shape)}; reduce it (mean/sum) first`);
  }
};

export function valueAndGrad<P extends Tree, Rest extends readonly unknown[]>(
  f: (params: P, ...rest: Rest) => Tensor,
): (params: P, ...rest: Rest) => readonly [Tensor, P];
export function valueAndGrad<P extends Tree, Rest extends readonly unknown[], Aux>(
  f: (params: P, ...rest: Rest) => readonly [Tensor, Aux],
  options: { readonly hasAux: true },
): (params: P, ...rest: Rest) => readonly [readonly [Tensor, Aux], P];
export function valueAndGrad<P extends Tree, Rest extends readonly unknown[], Aux>(
  f: (params: P, ...rest: Rest) => Tensor | readonly [Tensor, Aux],
  options: { readonly hasAux?: boolean } = {},
): (params: P, ...rest: Rest) => readonly [Tensor | readonly [Tensor, Aux | undefined], P] {
  return (params: P, ...rest: Rest) => {
    let aux: Aux | undefined;
    const [loss, pullback] = vjp((p: P) => {
      const result = f(p, ...rest);
      if (options.hasAux === true) {
        const [value, auxValue] = result as readonly [Tensor, Aux];
        aux = auxValue;
        return value;
      }
      return result as Tensor;
    })(params);
    checkScalar(loss);
    const [grads] = pullback(full(loss.backend, loss.shape, 1));
    const auxOut = detachDeep(aux) as Aux;
    return options.hasAux === true ? [[loss, auxOut] as const, grads] : [loss, grads];
  };
}

/** The gradient alone. */
export const grad =
  <P extends Tree, Rest extends readonly unknown[]>(f: (params: P, ...rest: Rest) => Tensor) =>
  (params: P, ...rest: Rest): P =>
    valueAndGrad(f)(params, ...rest)[1];
