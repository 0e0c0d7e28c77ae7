/**
 * Index arithmetic for generated gpu.js kernels. Every buffer is a flat row-major vector, so a
 * kernel maps its flat output index to coordinates and each operand's flat index through strides
 * (0 on broadcast axes). Axes that every operand walks contiguously are merged first, so the
 * layouts of a training step (same shape, bias row, scalar) need no division at all.
 *
 * gpu.js computes in float32 on every device, and WGSL/GLSL division is not exactly rounded:
 * `floor((r + 0.5) / d)` keeps a half-unit margin, exact for indices below 2^22 (MAX_ELEMENTS).
 */
import { stridesOf, type Shape } from '../../shape.js';

/** Largest buffer the float32 index arithmetic addresses exactly (4M values, 16 MiB). */
export const MAX_ELEMENTS = 2 ** 22;

/** Strides of `shape` seen from a broadcast to `outShape` (0 on broadcast axes). */
export const broadcastStrides = (shape: Shape, outShape: Shape): number[] => {
  const strides = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : strides[i - lead]));
};

export interface Walk {
  readonly dims: readonly number[];
  /** One stride list per operand, aligned with `dims`. */
  readonly strides: readonly (readonly number[])[];
}

/** Drops size-1 axes and merges neighbours that every operand walks as one (same for the output). */
export const collapse = (dims: readonly number[], strides: readonly (readonly number[])[]): Walk => {
  const keep = dims.map((d, i) => i).filter((i) => dims[i] !== 1);
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const axis of keep) {
    const last = outDims.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[axis] * dims[axis]);
    if (mergeable) {
      outDims[last] *= dims[axis];
      strides.forEach((s, k) => {
        outStrides[k][last] = s[axis];
      });
    } else {
      outDims.push(dims[axis]);
      strides.forEach((s, k) => outStrides[k].push(s[axis]));
    }
  }
  return { dims: outDims, strides: outStrides };
};

/**
 * Kernel source lines that decompose the flat index held in variable `flat` over `walk.dims`
 * and accumulate each operand's index into the variables `targets` (declared here, starting at
 * `starts`, default 0). Sizes and strides go into `constants` under `${tag}…` names: gpu.js
 * inlines constants as float literals, which keeps the arithmetic in one type on every device.
 */
export const indexCode = (
  tag: string,
  flat: string,
  walk: Walk,
  targets: readonly string[],
  constants: Record<string, number>,
  starts: readonly string[] = targets.map(() => '0'),
): string[] => {
  const lines = targets.map((t, k) => `let ${t} = ${starts[k]};`);
  const rank = walk.dims.length;
  if (rank === 0) return lines;
  lines.push(`let ${tag}r = ${flat};`);
  for (let axis = rank - 1; axis >= 1; axis--) {
    const d = `${tag}d${axis}`;
    constants[d] = walk.dims[axis];
    lines.push(`const ${tag}q${axis} = Math.floor((${tag}r + 0.5) / this.constants.${d});`);
    lines.push(`const ${tag}c${axis} = ${tag}r - ${tag}q${axis} * this.constants.${d};`);
    targets.forEach((t, k) => {
      const stride = walk.strides[k][axis];
      if (stride === 0) return;
      constants[`${tag}s${k}_${axis}`] = stride;
      lines.push(`${t} += ${tag}c${axis} * this.constants.${tag}s${k}_${axis};`);
    });
    lines.push(`${tag}r = ${tag}q${axis};`);
  }
  targets.forEach((t, k) => {
    const stride = walk.strides[k][0];
    if (stride === 0) return;
    constants[`${tag}s${k}_0`] = stride;
    lines.push(`${t} += ${tag}r * this.constants.${tag}s${k}_0;`);
  });
  return lines;
};

/** Stable text of a shape for kernel cache keys and error labels. */
export const formatDims = (shape: Shape): string => `[${shape.join(', ')}]`;
