/**
 * The soft targets of the fused cross-entropy (Backend.crossEntropy), written once for every
 * backend: row n's weight for class c is a[c] = w_c ((1 - eps) [c = y_n] + eps / C), or all zeros
 * when y_n is the ignore index. PyTorch's weight / label_smoothing / ignore_index in one formula.
 */
import type { CrossEntropyTargets } from './backend.js';

/** Writes row `y`'s target weights into `out` (length C); returns their sum. */
export const targetRow = (t: CrossEntropyTargets, y: number, classes: number, out: Float64Array): number => {
  if (y === t.ignoreIndex) {
    out.fill(0);
    return 0;
  }
  const eps = t.labelSmoothing;
  let total = 0;
  for (let c = 0; c < classes; c++) {
    const w = t.classWeights === undefined ? 1 : t.classWeights[c];
    out[c] = w * ((c === y ? 1 - eps : 0) + eps / classes);
    total += out[c];
  }
  return total;
};
