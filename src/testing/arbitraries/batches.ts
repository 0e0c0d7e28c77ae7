/**
 * Classification batches: inputs [N, features] with integer labels in [0, classes), some of them
 * optionally replaced by `ignoreIndex` (PyTorch's ignore_index, default -100), as the lecture's
 * MNIST batches are. Labels are plain `Int32Array`s: they are not differentiated.
 */
import fc from 'fast-check';
import type { Backend, Tensor } from '../../core/index.js';
import { tensorArb } from './tensors.js';
import type { ValueConstraints } from './values.js';

export interface LabelledBatch {
  /** [N, features] */
  readonly x: Tensor;
  /** [N], each in [0, classes) or ignoreIndex. */
  readonly labels: Int32Array;
}

export interface LabelConstraints {
  readonly classes: number;
  /** Value of an ignored label (default -100); used only when ignoreRate > 0. */
  readonly ignoreIndex?: number;
  /** Probability that a label is ignored, default 0. */
  readonly ignoreRate?: number;
}

export interface BatchConstraints extends LabelConstraints {
  readonly features: number;
  /** Default 1. */
  readonly minBatch?: number;
  /** Default 8. */
  readonly maxBatch?: number;
  readonly values?: ValueConstraints;
}

export const labelsArb = (count: number, constraints: LabelConstraints): fc.Arbitrary<Int32Array> => {
  const { classes, ignoreIndex = -100, ignoreRate = 0 } = constraints;
  const label = fc.integer({ min: 0, max: classes - 1 });
  const ignoreWeight = Math.round(100 * ignoreRate);
  const one = ignoreWeight > 0 ? fc.oneof({ arbitrary: label, weight: 100 - ignoreWeight }, { arbitrary: fc.constant(ignoreIndex), weight: ignoreWeight }) : label;
  return fc.array(one, { minLength: count, maxLength: count }).map((labels) => Int32Array.from(labels));
};

export const batchArb = (backend: Backend, constraints: BatchConstraints): fc.Arbitrary<LabelledBatch> => {
  const { minBatch = 1, maxBatch = 8, features } = constraints;
  return fc
    .integer({ min: minBatch, max: maxBatch })
    .chain((n) => fc.record({ x: tensorArb(backend, [n, features], constraints.values), labels: labelsArb(n, constraints) }));
};
