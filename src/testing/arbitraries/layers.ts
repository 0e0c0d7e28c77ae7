/**
 * Parameter trees for any purenet layer, drawn from the layer's own `init` with an arbitrary key:
 * exactly the parameters training starts from, so a gradient check covers the initialiser's
 * scales. Structural: anything with `init(key, backend)` works (a `Layer`, a `sequential`).
 */
import fc from 'fast-check';
import type { Backend, Key, Tree } from '../../core/index.js';
import { keyArb } from './keys.js';
import { withDescription } from './tensors.js';

export interface Initialisable<P extends Tree> {
  readonly init: (key: Key, backend: Backend) => P;
  /** Printed in counterexamples, e.g. `dense(784 → 256)`. */
  readonly describe?: string;
}

export const layerParamsArb = <P extends Tree>(layer: Initialisable<P>, backend: Backend): fc.Arbitrary<P> =>
  keyArb().map((k) => withDescription(layer.init(k, backend), `${layer.describe ?? 'layer'}.init(keyFromWords([${k.words.join(', ')}]))`));
