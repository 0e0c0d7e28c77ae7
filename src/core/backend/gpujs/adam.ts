/**
 * The fused Adam sweep (Backend.adamStep, formula in AdamHyper) as three gpu.js kernels, one per
 * output, so an optimizer step never leaves the device:
 *   g' = g + coupledDecay p;  mu' = mu b1 + g' (1 - b1);  nu' = nu b2 + g'^2 (1 - b2);
 *   d = (mu' / (sqrt(nu') + epsScaled)) stepScale + decoupledDecay p;  result = d or p + d applyFactor.
 * The result kernel reads the moments as stored (float32). Step-dependent scalars are kernel
 * arguments, so one compile per shape and variant serves every step.
 */
import type { AdamHyper } from '../backend.js';
import type { KernelSpec } from './device.js';

/** Which terms a sweep has; each combination is its own kernel. */
export interface AdamVariant {
  readonly size: number;
  /** torch.optim.Adam's weight_decay: the moments read g + coupledDecay p. */
  readonly coupled: boolean;
  /** The result reads p (decoupled decay, or the update applied to the parameter). */
  readonly resultReadsParam: boolean;
  readonly decoupled: boolean;
  readonly apply: boolean;
}

export const adamVariant = (size: number, h: AdamHyper): AdamVariant => {
  const decoupled = (h.decoupledDecay ?? 0) !== 0;
  const apply = h.applyFactor !== undefined;
  return { size, coupled: (h.coupledDecay ?? 0) !== 0, decoupled, apply, resultReadsParam: decoupled || apply };
};

const spec = (name: string, v: AdamVariant, args: readonly string[], body: readonly string[]): KernelSpec => ({
  key: `adam-${name}:${v.size}:${v.coupled ? 'L2' : ''}:${v.decoupled ? 'W' : ''}:${v.apply ? 'apply' : ''}`,
  label: `adamStep ${name} [${v.size}]`,
  size: v.size,
  source: () => `function (${args.join(', ')}) {\n  const i = this.thread.x;\n  ${body.join('\n  ')}\n}`,
});

/** Arguments: (g, moment, p if coupled, decay, rate, coupledDecay); mu: (b1, 1 - b1), nu: (b2, 1 - b2). */
export const adamMomentSpec = (moment: 'mu' | 'nu', v: AdamVariant): KernelSpec =>
  spec(moment, v, ['g', 'm', ...(v.coupled ? ['p'] : []), 'decay', 'rate', 'coupled'], [
    v.coupled ? 'const gi = g[i] + p[i] * coupled;' : 'const gi = g[i];',
    moment === 'mu' ? 'return m[i] * decay + gi * rate;' : 'return m[i] * decay + gi * gi * rate;',
  ]);

/** Arguments: (mu', nu', p if resultReadsParam, epsScaled, stepScale, decoupledDecay, applyFactor). */
export const adamResultSpec = (v: AdamVariant): KernelSpec =>
  spec('result', v, ['mu', 'nu', ...(v.resultReadsParam ? ['p'] : []), 'eps', 'scale', 'decoupled', 'factor'], [
    'let d = (mu[i] / (Math.sqrt(nu[i]) + eps)) * scale;',
    ...(v.decoupled ? ['d = d + p[i] * decoupled;'] : []),
    v.apply ? 'return p[i] + d * factor;' : 'return d;',
  ]);
