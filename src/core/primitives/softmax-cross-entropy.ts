import type { CrossEntropyTargets, DeviceBuffer } from '../backend/backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { fromBuffer, type Tensor } from '../tensor.js';
import { bind, type PrimitiveDef } from './primitive.js';

/**
 * Fused cross-entropy from logits z [N, C] with soft targets a[n, c] built from integer labels
 * (class weights, label smoothing, ignored rows): l[n] = sum_c a[n,c] (lse(z_n) - z[n,c]).
 * Log-sum-exp is computed shifted by the row max, never as log(softmax). VJP:
 * ct[n] (softmax(z_n) sum_c a[n,c] - a[n,c]), from the softmax kept as residual.
 */
export const softmaxCrossEntropyDef: PrimitiveDef<CrossEntropyTargets, DeviceBuffer> = {
  name: 'softmaxCrossEntropy',
  shapeRule: ([z], { labels, classWeights }) => {
    if (z.length !== 2) throw new ShapeError('crossEntropy', `expected logits [N, C], got ${formatShape(z)}`);
    if (labels.length !== z[0]) throw new ShapeError('crossEntropy', `expected ${z[0]} labels for logits ${formatShape(z)}, got ${labels.length}`);
    if (classWeights !== undefined && classWeights.length !== z[1]) {
      throw new ShapeError('crossEntropy', `expected weight of length C = ${z[1]}, got ${classWeights.length}`);
    }
    return [z[0]];
  },
  forward: (backend, [z], targets) => {
    const [n, c] = z.shape;
    const { loss, softmax } = backend.crossEntropy(z.buffer, n, c, targets);
    return { buffer: loss, residual: softmax };
  },
  vjp: (ct, { inputs: [z], residual, params }) => {
    const [n, c] = z.shape;
    return [fromBuffer(z.backend, z.backend.crossEntropyBackward(residual, ct.buffer, n, c, params), z.shape)];
  },
};

/** Throws unless every label is a class index in [0, C) or the ignore index. */
export const checkLabels = (api: string, labels: Int32Array, classes: number, ignoreIndex: number): void => {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== ignoreIndex && (y < 0 || y >= classes)) {
      throw new InvalidArgumentError(api, `expected labels in [0, ${classes}) or ignoreIndex ${ignoreIndex}, got ${y} at index ${i}`);
    }
  }
};

/** Per-example loss [N]; the reduction lives in losses/crossEntropy. */
export const softmaxCrossEntropy = (logits: Tensor, targets: CrossEntropyTargets): Tensor => {
  if (logits.shape.length === 2) checkLabels('crossEntropy', targets.labels, logits.shape[1], targets.ignoreIndex);
  return bind(softmaxCrossEntropyDef, [logits], targets);
};
