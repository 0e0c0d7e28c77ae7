/**
 * The fused Adam step (Backend.adamStep) as three gpu.js kernels, one per output, so that an
 * optimizer step never leaves the device: mu' = b1 mu + (1 - b1) g, nu' = b2 nu + (1 - b2) g²,
 * direction = stepScale mu' / (sqrt(nu') + epsScaled), reading the moments as stored (float32),
 * like the reference. The step-dependent scalars are kernel arguments, so one compile serves
 * every step.
 */
import type { KernelSpec } from './device.js';

/** The scalars of one step (structurally Backend's AdamHyper). */
export interface AdamScalars {
  readonly b1: number;
  readonly b2: number;
  readonly stepScale: number;
  readonly epsScaled: number;
}

const spec = (name: string, size: number, args: string, body: string): KernelSpec => ({
  key: `adam-${name}:${size}`,
  label: `adamStep ${name} [${size}]`,
  size,
  source: () => `function (${args}) {\n  const i = this.thread.x;\n  ${body}\n}`,
});

/** Arguments (g, mu, b1, 1 - b1). */
export const adamMuSpec = (size: number): KernelSpec => spec('mu', size, 'g, mu, decay, rate', 'return mu[i] * decay + g[i] * rate;');

/** Arguments (g, nu, b2, 1 - b2). */
export const adamNuSpec = (size: number): KernelSpec => spec('nu', size, 'g, nu, decay, rate', 'return nu[i] * decay + g[i] * g[i] * rate;');

/** Arguments (mu', nu', epsScaled, stepScale). */
export const adamDirectionSpec = (size: number): KernelSpec =>
  spec('direction', size, 'mu, nu, eps, scale', 'return (mu[i] / (Math.sqrt(nu[i]) + eps)) * scale;');
