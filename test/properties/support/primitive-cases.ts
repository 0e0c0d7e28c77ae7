/**
 * The table that certifies primitives: for every entry of `primitives` (src/core/primitives/table.ts),
 * how to draw inputs away from its kinks at a given size and how to call it. Keyed by
 * `PrimitiveName`, so a primitive without an entry is a compile error here, and a run-time failure
 * in primitive-table.test.ts. Every property suite (gradients, no mutation, backend agreement)
 * enumerates this table.
 */
import fc from 'fast-check';
import {
  add, broadcastTo, compare, concat, div, erf, exp, linear, log, log1p, maskPositive, matmul, max, maximum, mul, neg, reshape,
  shapesEqual, slice, softmaxCrossEntropy, sqrt, stopGradient, sub, sum, tanh, tensor, transpose,
  type Backend, type Comparison, type PrimitiveName, type Shape, type Tensor,
} from '../../../src/core/index.js';
import {
  axesArb, broadcastableToArb, broadcastPairArb, describeTensor, labelsArb, permutationArb, shapeArb, tensorArb, tensorsArb, uniformArb, valuesArb, withDescription,
  type AgreementTolerance, type ValueConstraints,
} from '../../../src/testing/index.js';
import type { Float32Profile } from './backends.js';

/** Shape bounds of a draw: tiny for full Jacobians, moderate for VJPs, odd sizes for kernels. */
export interface Size {
  readonly maxRank: number;
  readonly maxDim: number;
}
export const tiny: Size = { maxRank: 2, maxDim: 3 };
export const moderate: Size = { maxRank: 3, maxDim: 6 };
/** Up to 13 per axis: sizes that are not multiples of 4 or 8 exercise kernel edges. */
export const odd: Size = { maxRank: 3, maxDim: 13 };

/** One drawn call of a primitive: differentiable inputs, their names in reports, and the call. */
export interface PrimitiveCall {
  readonly args: readonly Tensor[];
  readonly names: readonly string[];
  readonly call: (...args: readonly Tensor[]) => Tensor;
}

export interface PrimitiveCase {
  readonly inputs: (backend: Backend, size: Size) => fc.Arbitrary<PrimitiveCall>;
  /** 'finiteDifferences' (default): the VJP is the derivative. 'stopped': the VJP is zero by design. */
  readonly gradient?: 'finiteDifferences' | 'stopped';
  /** A float32 backend vs the float64 reference on identical inputs. */
  readonly agreement: AgreementFor;
}

/** Agreement tolerances of a case, given how the tested backend rounds and accumulates. */
export type AgreementFor = (profile: Float32Profile) => { readonly output: AgreementTolerance; readonly gradient: AgreementTolerance };

/** 2^-23: one unit in the last place of a float32 in [1, 2), i.e. two correct roundings. */
const ULP = 1.2e-7;

/**
 * Forward: float32 roundings of a float64 result, `ulps` of them. Gradients chain a few float32
 * ops and sum over broadcast axes, where cancellation makes a relative bound meaningless near 0:
 * hence absolute slack (torch.testing's float32 defaults are rtol 1.3e-6, atol 1e-5).
 */
export const elementwiseAgreement: AgreementFor = ({ ulps, atol, accumulation }) => ({
  output: { frobenius: ulps * ULP, elementwise: ulps * ULP, atol },
  gradient: accumulation === 'float64' ? { frobenius: 1e-6, atol: 1e-6 } : { frobenius: 1e-5, atol: 1e-5 },
});
/** Reductions: one rounding of a float64 sum, or a float32 accumulation over up to ~2000 terms. */
const reductionAgreement: AgreementFor = (profile) =>
  profile.accumulation === 'float64' ? elementwiseAgreement(profile) : { output: { frobenius: 1e-5, atol: 1e-5 }, gradient: { frobenius: 1e-5, atol: 1e-5 } };
/** float32 accumulation over K terms (NUMERICS.md: near 1e-6 at K <= 1024, a bug above 1e-4). */
export const matmulAgreement: AgreementFor = ({ accumulation }) => {
  const atol = accumulation === 'float64' ? 1e-6 : 1e-5; // bias gradients are column sums
  return { output: { frobenius: 1e-5, atol }, gradient: { frobenius: 1e-5, atol } };
};

export const describedCall = (text: string, names: readonly string[], args: readonly Tensor[], call: (...args: readonly Tensor[]) => Tensor): PrimitiveCall =>
  withDescription({ args, names, call }, `${text} of ${args.map((a, i) => `${names[i]} = ${fc.stringify(a)}`).join(', ')}`);

const shapes = (size: Size, minRank = 0): fc.Arbitrary<Shape> => shapeArb({ minRank, maxRank: size.maxRank, maxDim: size.maxDim });

const unary = (name: string, f: (x: Tensor) => Tensor, values?: ValueConstraints): PrimitiveCase => ({
  inputs: (backend, size) => tensorArb(backend, shapes(size), values).map((x) => describedCall(name, ['x'], [x], (x) => f(x))),
  agreement: elementwiseAgreement,
});

const binary = (name: string, f: (a: Tensor, b: Tensor) => Tensor, draw: (backend: Backend, a: Shape, b: Shape) => fc.Arbitrary<Tensor[]>): PrimitiveCase => ({
  inputs: (backend, size) =>
    broadcastPairArb({ maxRank: size.maxRank, maxDim: size.maxDim })
      .chain(([sa, sb]) => draw(backend, sa, sb))
      .map(([a, b]) => describedCall(name, ['a', 'b'], [a, b], (a, b) => f(a, b))),
  agreement: elementwiseAgreement,
});

const independent = (backend: Backend, a: Shape, b: Shape): fc.Arbitrary<Tensor[]> => tensorsArb(backend, [a, b]);
/** a and b drawn jointly with every value `margin` apart: no ties between any two elements. */
const apart = (backend: Backend, a: Shape, b: Shape): fc.Arbitrary<Tensor[]> => tensorsArb(backend, [a, b], { distinct: 'all', margin: 0.02 });

const reduction = (name: 'sum' | 'max', f: typeof sum, values: ValueConstraints): PrimitiveCase => ({
  inputs: (backend, size) =>
    shapes(size)
      .chain((shape) => fc.tuple(tensorArb(backend, shape, values), axesArb(shape.length, 0), fc.boolean(), fc.boolean()))
      .map(([x, axes, keepDims, all]) =>
        all ? describedCall(`${name}()`, ['x'], [x], (x) => f(x)) : describedCall(`${name}(axes [${axes.join(', ')}], keepDims ${keepDims})`, ['x'], [x], (x) => f(x, { axes, keepDims })),
      ),
  agreement: reductionAgreement,
});

/** A new shape with the same elements: permuted dims, some merged, maybe one inferred (-1). */
const reshapeTarget = (shape: Shape, order: readonly number[], merges: readonly boolean[], infer: boolean): number[] => {
  const target: number[] = [];
  order.forEach((axis, i) => {
    if (i > 0 && merges[i]) target[target.length - 1] *= shape[axis];
    else target.push(shape[axis]);
  });
  if (infer && target.length > 0) target[target.length - 1] = -1;
  return target;
};

const matrixDims = (size: Size) => fc.integer({ min: 1, max: size.maxDim });

export const primitiveCases: { readonly [P in PrimitiveName]: PrimitiveCase } = {
  add: binary('add', add, independent),
  sub: binary('sub', sub, independent),
  mul: binary('mul', mul, independent),
  div: binary('div', div, (backend, a, b) => fc.tuple(tensorArb(backend, a), tensorArb(backend, b, { kinks: [0], margin: 0.5 }))),
  maximum: binary('maximum', maximum, apart),
  // The gate away from 0, where the mask switches (its derivative there is not defined).
  maskPositive: binary('maskPositive', maskPositive, (backend, a, b) => fc.tuple(tensorArb(backend, a), tensorArb(backend, b, { kinks: [0], margin: 0.1 }))),
  compare: {
    inputs: (backend, size) =>
      fc
        .tuple(broadcastPairArb({ maxRank: size.maxRank, maxDim: size.maxDim }), fc.constantFrom<Comparison>('greater', 'greaterEqual', 'equal'))
        .chain(([[sa, sb], op]) => apart(backend, sa, sb).map(([a, b]) => describedCall(`compare('${op}')`, ['a', 'b'], [a, b], (a, b) => compare(op, a, b)))),
    agreement: elementwiseAgreement,
  },
  neg: unary('neg', neg),
  exp: unary('exp', exp),
  log: unary('log', log, { min: 0.2, max: 3, kinks: [] }),
  log1p: unary('log1p', log1p, { min: -0.8, max: 2, kinks: [] }),
  sqrt: unary('sqrt', sqrt, { min: 0.2, max: 3, kinks: [] }),
  tanh: unary('tanh', tanh),
  erf: unary('erf', erf),
  stopGradient: { ...unary('stopGradient', stopGradient), gradient: 'stopped' },
  sum: reduction('sum', sum, {}),
  max: reduction('max', max, { distinct: 'all', margin: 0.02 }),
  reshape: {
    inputs: (backend, size) =>
      shapes(size)
        .chain((shape) => fc.tuple(tensorArb(backend, shape), permutationArb(shape.length), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.boolean()))
        .map(([x, order, merges, infer]) => {
          const target = reshapeTarget(x.shape, order, merges, infer);
          return describedCall(`reshape([${target.join(', ')}])`, ['x'], [x], (x) => reshape(x, target));
        }),
    agreement: elementwiseAgreement,
  },
  broadcastTo: {
    inputs: (backend, size) =>
      broadcastableToArb({ maxRank: size.maxRank, maxDim: size.maxDim })
        // broadcastTo returns its input unchanged, binding nothing, when the shapes are equal.
        .filter(([from, to]) => !shapesEqual(from, to))
        .chain(([from, to]) =>
        tensorArb(backend, from).map((x) => describedCall(`broadcastTo([${to.join(', ')}])`, ['x'], [x], (x) => broadcastTo(x, to))),
      ),
    agreement: elementwiseAgreement,
  },
  transpose: {
    inputs: (backend, size) =>
      shapes(size)
        .chain((shape) => fc.tuple(tensorArb(backend, shape), fc.option(permutationArb(shape.length), { nil: undefined })))
        .map(([x, perm]) => describedCall(`transpose(${perm === undefined ? '' : `[${perm.join(', ')}]`})`, ['x'], [x], (x) => transpose(x, perm))),
    agreement: elementwiseAgreement,
  },
  concat: {
    inputs: (backend, size) =>
      shapes(size, 1)
        .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.integer({ min: 1, max: size.maxDim }), { minLength: 2, maxLength: 3 })))
        .chain(([shape, axis, widths]) => tensorsArb(backend, widths.map((w) => shape.map((d, a) => (a === axis ? w : d)))).map((xs) => ({ axis, xs })))
        .map(({ axis, xs }) => describedCall(`concat(axis ${axis})`, xs.map((_, k) => `x${k}`), xs, (...xs) => concat(xs, axis))),
    agreement: elementwiseAgreement,
  },
  slice: {
    inputs: (backend, size) =>
      shapes(size)
        .chain((shape) =>
          fc.tuple(
            tensorArb(backend, shape),
            fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: d - b })))))),
          ),
        )
        .map(([x, bounds]) => {
          const begin = bounds.map(([b]) => b);
          const extent = bounds.map(([, s]) => s);
          return describedCall(`slice([${begin.join(', ')}], [${extent.join(', ')}])`, ['x'], [x], (x) => slice(x, begin, extent));
        }),
    agreement: elementwiseAgreement,
  },
  matmul: {
    inputs: (backend, size) =>
      fc
        .record({ m: matrixDims(size), k: matrixDims(size), n: matrixDims(size), transA: fc.boolean(), transB: fc.boolean() })
        .chain(({ m, k, n, transA, transB }) =>
          tensorsArb(backend, [transA ? [k, m] : [m, k], transB ? [n, k] : [k, n]]).map(([a, b]) =>
            describedCall(`matmul(transA ${transA}, transB ${transB})`, ['a', 'b'], [a, b], (a, b) => matmul(a, b, { transA, transB })),
          ),
        ),
    agreement: matmulAgreement,
  },
  linear: {
    inputs: (backend, size) =>
      fc
        .record({ n: matrixDims(size), inputs: matrixDims(size), outputs: matrixDims(size), bias: fc.boolean(), relu: fc.boolean() })
        .chain((p) => linearValues(p).map((values) => ({ p, values })))
        .map(({ p, values }) => {
          const shapesOf: Shape[] = [[p.n, p.inputs], [p.outputs, p.inputs], ...(p.bias ? [[p.outputs]] : [])];
          const tensors = split(values, shapesOf).map((v, i) => withDescription(tensor(backend, v, shapesOf[i]), describeTensor(shapesOf[i], v)));
          const activation = p.relu ? 'relu' : 'none';
          const names = p.bias ? ['x', 'weight', 'bias'] : ['x', 'weight'];
          return describedCall(`linear(activation '${activation}')`, names, tensors, (x, w, b) => linear(x, w, b, { activation }));
        }),
    agreement: matmulAgreement,
  },
  softmaxCrossEntropy: {
    inputs: (backend, size) =>
      fc
        .record({ n: matrixDims(size), classes: fc.integer({ min: 2, max: size.maxDim + 1 }), weighted: fc.boolean(), smoothing: fc.oneof(fc.constant(0), uniformArb(0, 0.3)) })
        .chain(({ n, classes, weighted, smoothing }) =>
          fc
            .tuple(
              tensorArb(backend, [n, classes], { min: -3, max: 3, kinks: [] }),
              labelsArb(n, { classes, ignoreRate: 0.2 }),
              weighted ? fc.array(uniformArb(0.5, 2), { minLength: classes, maxLength: classes }).map((w) => Float64Array.from(w)) : fc.constant(undefined),
            )
            .map(([z, labels, classWeights]) =>
              describedCall(
                `softmaxCrossEntropy(labels [${labels.join(', ')}], ${classWeights === undefined ? 'no weights' : 'class weights'}, labelSmoothing ${smoothing})`,
                ['logits'],
                [z],
                (z) => softmaxCrossEntropy(z, { labels, classWeights, labelSmoothing: smoothing, ignoreIndex: -100 }),
              ),
            ),
        ),
    agreement: matmulAgreement,
  },
};

const split = (values: Float64Array, shapesOf: readonly Shape[]): Float64Array[] => {
  let offset = 0;
  return shapesOf.map((shape) => {
    const size = shape.reduce((n, d) => n * d, 1);
    offset += size;
    return values.slice(offset - size, offset);
  });
};

/** Values of x, W (and b) whose pre-activations x Wᵀ + b stay away from relu's kink at 0. */
const linearValues = (p: { n: number; inputs: number; outputs: number; bias: boolean; relu: boolean }): fc.Arbitrary<Float64Array> => {
  const shapesOf: Shape[] = [[p.n, p.inputs], [p.outputs, p.inputs], ...(p.bias ? [[p.outputs]] : [])];
  return valuesArb(shapesOf).filter((values) => {
    if (!p.relu) return true;
    const [x, w, b] = split(values, shapesOf);
    for (let i = 0; i < p.n; i++) {
      for (let o = 0; o < p.outputs; o++) {
        let z = b === undefined ? 0 : b[o];
        for (let j = 0; j < p.inputs; j++) z += x[i * p.inputs + j] * w[o * p.inputs + j];
        if (Math.abs(z) < 1e-3) return false;
      }
    }
    return true;
  });
};
