/**
 * Block kernels as gpu.js sources: `slice` is a gather from a fixed start through the input's
 * strides (full axes merge, so taking rows needs no division); `concat` views the output as
 * [outer, axis, inner] and each thread picks its input by comparing its axis coordinate with the
 * running offsets. A kernel takes at most CONCAT_ARITY inputs (texture units and storage-buffer
 * bindings are few); the backend joins more in a tree of such kernels.
 */
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { KernelSpec } from './device.js';
import { collapse, formatDims, indexCode } from './indexing.js';

/** Inputs per concat kernel: WebGPU guarantees 8 storage buffers per stage, the output is one. */
export const CONCAT_ARITY = 4;

export const sliceSpec = (shape: Shape, begin: readonly number[], outShape: Shape): KernelSpec => {
  const strides = stridesOf(shape);
  const start = begin.reduce((s, b, a) => s + b * strides[a], 0);
  const walk = collapse(outShape, [strides]);
  const constants: Record<string, number> = { start };
  const index = indexCode('i', 'this.thread.x', walk, ['ix'], constants, ['this.constants.start']);
  return {
    // gpu.js fixes argument sizes at compilation: the input's size is part of the key.
    key: `slice:${sizeOf(shape)}:${walk.dims.join('x')}:${walk.strides[0].join(',')}:${start}`,
    label: `slice ${formatDims(shape)} at [${begin.join(', ')}] -> ${formatDims(outShape)}`,
    size: sizeOf(outShape),
    constants,
    source: () => `function (x) {\n  ${[...index, 'return x[ix];'].join('\n  ')}\n}`,
  };
};

/** One kernel joining 1..CONCAT_ARITY non-empty inputs along `axis` (sizes `widths` there). */
export const concatSpec = (shapes: readonly Shape[], axis: number, outShape: Shape): KernelSpec => {
  const inner = sizeOf(outShape.slice(axis + 1));
  const total = outShape[axis];
  const widths = shapes.map((s) => s[axis]);
  const constants: Record<string, number> = { inner, total };
  const body = [
    'const t = this.thread.x;',
    'const row = Math.floor((t + 0.5) / this.constants.inner);',
    'const i = t - row * this.constants.inner;',
    'const o = Math.floor((row + 0.5) / this.constants.total);',
    'const c = row - o * this.constants.total;',
  ];
  let offset = 0;
  widths.forEach((width, k) => {
    constants[`w${k}`] = width;
    constants[`off${k}`] = offset;
    const read = `return a${k}[(o * this.constants.w${k} + c - this.constants.off${k}) * this.constants.inner + i];`;
    offset += width;
    if (k === widths.length - 1) body.push(read);
    else {
      constants[`end${k}`] = offset;
      body.push(`if (c < this.constants.end${k}) {`, `  ${read}`, '}');
    }
  });
  const args = widths.map((_, k) => `a${k}`).join(', ');
  return {
    // Outer, inner and the widths fix every input's size, which gpu.js fixes at compilation.
    key: `concat:${sizeOf(outShape.slice(0, axis))}x${total}x${inner}:${widths.join(',')}`,
    label: `concat ${shapes.map(formatDims).join(', ')} on axis ${axis} -> ${formatDims(outShape)}`,
    size: sizeOf(outShape),
    constants,
    source: () => `function (${args}) {\n  ${body.join('\n  ')}\n}`,
  };
};
