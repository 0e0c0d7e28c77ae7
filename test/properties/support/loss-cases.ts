/**
 * The table that certifies losses (src/losses): for each loss and each of its options (class
 * weights, ignoreIndex, labelSmoothing, posWeight, element weights, full, variance broadcasting,
 * every reduction), how to draw inputs away from its kinks and call it. Labels and other
 * non-float inputs are captured by the call; every float input is differentiated.
 */
import fc from 'fast-check';
import type { Backend } from '../../../src/core/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, gaussianNll, gaussianNllLogVar, mse, nll, type Reduction } from '../../../src/losses/index.js';
import { labelsArb, shapeArb, tensorArb, tensorsArb, uniformArb } from '../../../src/testing/index.js';
import { describedCall, type AgreementFor, type PrimitiveCall } from './primitive-cases.js';
import type { InputSize } from './layer-cases.js';

export interface LossCase {
  readonly name: string;
  readonly inputs: (backend: Backend, size: InputSize) => fc.Arbitrary<PrimitiveCall>;
  readonly agreement: AgreementFor;
}

const reductions = fc.constantFrom<Reduction>('none', 'mean', 'sum');
/** Losses reduce over the batch: float32 sums on some backends (torch.testing's float32 atol is 1e-5). */
const agreement: AgreementFor = ({ accumulation }) =>
  accumulation === 'float64' ? { output: { frobenius: 1e-5, atol: 1e-6 }, gradient: { frobenius: 1e-5, atol: 1e-6 } } : { output: { frobenius: 1e-5, atol: 1e-5 }, gradient: { frobenius: 1e-5, atol: 1e-5 } };
const rowsOf = (size: InputSize) => fc.integer({ min: 1, max: size === 'tiny' ? 2 : 6 });
const classesOf = (size: InputSize) => fc.integer({ min: 2, max: size === 'tiny' ? 3 : 5 });
const classWeights = (classes: number) => fc.option(fc.array(uniformArb(0.5, 2), { minLength: classes, maxLength: classes }), { nil: undefined });

/** Integer-target options shared by crossEntropy and nll; a 'mean' over only ignored rows is NaN by design, so it is not drawn. */
const classTargets = (size: InputSize) =>
  fc
    .record({ n: rowsOf(size), classes: classesOf(size), reduction: reductions, ignoreIndex: fc.constantFrom(-100, 0) })
    .chain((o) => fc.record({ o: fc.constant(o), labels: labelsArb(o.n, { classes: o.classes, ignoreIndex: o.ignoreIndex, ignoreRate: 0.3 }), weight: classWeights(o.classes) }))
    .filter(({ o, labels }) => o.reduction !== 'mean' || labels.some((y) => y !== o.ignoreIndex));

const options = (o: Record<string, unknown>): string =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.map((x: number) => Number(x.toPrecision(4))).join(', ')}]` : String(v)}`)
    .join(', ');

export const lossCases: readonly LossCase[] = [
  {
    name: 'crossEntropy (weight, ignoreIndex, labelSmoothing, reduction)',
    inputs: (backend, size) =>
      fc.tuple(classTargets(size), fc.oneof(fc.constant(0), uniformArb(0, 0.3))).chain(([{ o, labels, weight }, labelSmoothing]) =>
        tensorArb(backend, [o.n, o.classes], { min: -3, max: 3, kinks: [] }).map((logits) => {
          const settings = { reduction: o.reduction, weight, ignoreIndex: o.ignoreIndex, labelSmoothing };
          return describedCall(`crossEntropy(labels [${labels.join(', ')}], ${options(settings)})`, ['logits'], [logits], (z) => crossEntropy(z, labels, settings));
        }),
      ),
    agreement,
  },
  {
    name: 'nll (weight, ignoreIndex, reduction)',
    inputs: (backend, size) =>
      classTargets(size).chain(({ o, labels, weight }) =>
        tensorArb(backend, [o.n, o.classes], { min: -5, max: -0.01, kinks: [] }).map((logProbs) => {
          const settings = { reduction: o.reduction, weight, ignoreIndex: o.ignoreIndex };
          return describedCall(`nll(labels [${labels.join(', ')}], ${options(settings)})`, ['logProbs'], [logProbs], (z) => nll(z, labels, settings));
        }),
      ),
    agreement,
  },
  {
    name: 'mse (reduction)',
    inputs: (backend, size) =>
      fc
        .tuple(shapeArb({ minRank: 1, maxRank: 3, maxDim: size === 'tiny' ? 3 : 5 }), reductions)
        .chain(([shape, reduction]) => tensorsArb(backend, [shape, shape]).map(([p, t]) => describedCall(`mse(reduction ${reduction})`, ['prediction', 'target'], [p, t], (a, b) => mse(a, b, { reduction })))),
    agreement,
  },
  {
    name: 'binaryCrossEntropyWithLogits (posWeight, weight, reduction)',
    inputs: (backend, size) =>
      fc
        .record({ n: rowsOf(size), classes: classesOf(size), reduction: reductions, scalarWeight: fc.boolean() })
        .chain((o) =>
          fc.record({
            o: fc.constant(o),
            posWeight: fc.option(fc.array(uniformArb(0.5, 3), { minLength: o.classes, maxLength: o.classes }), { nil: undefined }),
            weight: o.scalarWeight ? fc.option(uniformArb(0.5, 2), { nil: undefined }) : fc.option(fc.array(uniformArb(0.5, 2), { minLength: o.classes, maxLength: o.classes }), { nil: undefined }),
            logits: tensorArb(backend, [o.n, o.classes], { min: -4, max: 4 }),
            targets: tensorArb(backend, [o.n, o.classes], { min: 0, max: 1, kinks: [] }),
          }),
        )
        .map(({ o, posWeight, weight, logits, targets }) => {
          const settings = { reduction: o.reduction, posWeight, weight };
          return describedCall(`binaryCrossEntropyWithLogits(${options(settings)})`, ['logits', 'targets'], [logits, targets], (x, z) => binaryCrossEntropyWithLogits(x, z, settings));
        }),
    agreement,
  },
  {
    name: 'gaussianNll (full, variance [N, D] or broadcast [N, 1] or a number, reduction)',
    inputs: (backend, size) =>
      fc
        .record({ n: rowsOf(size), d: fc.integer({ min: 1, max: size === 'tiny' ? 2 : 4 }), reduction: reductions, full: fc.boolean(), variance: fc.constantFrom('full', 'broadcast', 'number') })
        .chain((o) =>
          fc.tuple(
            fc.constant(o),
            tensorsArb(backend, [[o.n, o.d], [o.n, o.d]]),
            o.variance === 'number' ? uniformArb(0.1, 2) : tensorArb(backend, [o.n, o.variance === 'full' ? o.d : 1], { min: 0.1, max: 2, kinks: [] }),
          ),
        )
        .map(([o, [mean, target], variance]) => {
          const settings = { reduction: o.reduction, full: o.full };
          const text = `gaussianNll(variance ${o.variance}${typeof variance === 'number' ? ` ${variance}` : ''}, ${options(settings)})`;
          return typeof variance === 'number'
            ? describedCall(text, ['mean', 'target'], [mean, target], (m, t) => gaussianNll(m, t, variance, settings))
            : describedCall(text, ['mean', 'target', 'variance'], [mean, target, variance], (m, t, v) => gaussianNll(m, t, v, settings));
        }),
    agreement,
  },
  {
    name: 'gaussianNllLogVar (full, log-variance [N, D] or [N, 1], reduction)',
    inputs: (backend, size) =>
      fc
        .record({ n: rowsOf(size), d: fc.integer({ min: 1, max: size === 'tiny' ? 2 : 4 }), reduction: reductions, full: fc.boolean(), broadcast: fc.boolean() })
        .chain((o) => tensorsArb(backend, [[o.n, o.d], [o.n, o.d], [o.n, o.broadcast ? 1 : o.d]], { kinks: [] }).map((args) => ({ o, args })))
        .map(({ o, args }) => {
          const settings = { reduction: o.reduction, full: o.full };
          return describedCall(`gaussianNllLogVar(logVar ${o.broadcast ? '[N, 1]' : '[N, D]'}, ${options(settings)})`, ['mean', 'target', 'logVar'], args, (m, t, s) => gaussianNllLogVar(m, t, s, settings));
        }),
    agreement,
  },
];

