/**
 * The table that certifies layers (src/layers): each entry is a layer (or a parameter-free
 * activation), how to draw its inputs at a size, and, where it has a kink that is not an
 * elementwise property of its input (relu after a matmul), how to tell a draw that sits on it.
 * Adding a layer to this table covers it by every suite in layers.test.ts.
 */
import fc from 'fast-check';
import { key, linear, toArray, type Backend, type Key, type Tensor, type Tree } from '../../../src/core/index.js';
import {
  dense, dropout, gelu, leakyRelu, logSigmoid, logSoftmax, relu, sequential, sigmoid, softmax, softplus, tanh, trainContext,
  type ApplyContext,
} from '../../../src/layers/index.js';
import { shapeArb, tensorArb, type ValueConstraints } from '../../../src/testing/index.js';
import { matmulAgreement, type AgreementFor } from './primitive-cases.js';

export type InputSize = 'tiny' | 'moderate';

export interface LayerCase {
  readonly name: string;
  readonly describe: string;
  readonly init: (key: Key, backend: Backend) => Tree;
  readonly run: (params: Tree, x: Tensor) => Tensor;
  readonly input: (backend: Backend, size: InputSize) => fc.Arbitrary<Tensor>;
  /** True when a draw sits within 1e-4 of a kink the value constraints cannot see (discarded). */
  readonly onKink?: (params: Tree, x: Tensor) => Promise<boolean>;
  readonly agreement: AgreementFor;
}

/** Activations chain a few elementwise ops: a few roundings each, and sums in their gradients. */
const composedElementwise: AgreementFor = ({ ulps, atol, accumulation }) => ({
  output: { frobenius: 8 * ulps * 1.2e-7, atol: Math.max(atol, 1e-7) },
  gradient: accumulation === 'float64' ? { frobenius: 1e-6, atol: 1e-6 } : { frobenius: 1e-5, atol: 1e-5 },
});

const batch = (size: InputSize) => fc.integer({ min: 1, max: size === 'tiny' ? 2 : 6 });
/** [N, features] inputs. */
const rows = (features: number, values?: ValueConstraints) => (backend: Backend, size: InputSize) =>
  batch(size).chain((n) => tensorArb(backend, [n, features], values));
/** Inputs of any rank up to 3. */
const anyShape = (values?: ValueConstraints) => (backend: Backend, size: InputSize) =>
  tensorArb(backend, shapeArb({ minRank: 1, maxRank: size === 'tiny' ? 2 : 3, maxDim: size === 'tiny' ? 3 : 5 }), values);

/** Any layer, whatever its input type: the table feeds it inputs of the shapes it declares. */
interface AnyInputLayer<P extends Tree> {
  readonly describe: string;
  readonly init: (key: Key, backend: Backend) => P;
  readonly apply: (params: P, x: never, context?: ApplyContext) => Tensor;
}

const fromLayer = <P extends Tree>(
  name: string,
  layer: AnyInputLayer<P>,
  input: LayerCase['input'],
  options: { readonly context?: ApplyContext; readonly onKink?: (params: P, x: Tensor) => Promise<boolean>; readonly agreement?: LayerCase['agreement'] } = {},
): LayerCase => ({
  name,
  describe: layer.describe,
  init: layer.init,
  run: (params, x) => layer.apply(params as P, x as never, options.context),
  input,
  ...(options.onKink === undefined ? {} : { onKink: (params: Tree, x: Tensor) => options.onKink!(params as P, x) }),
  agreement: options.agreement ?? matmulAgreement,
});

/** A parameter-free tensor function as a layer with params {}. */
const activation = (name: string, f: (x: Tensor) => Tensor, values?: ValueConstraints): LayerCase =>
  fromLayer(name, { describe: name, init: () => ({}), apply: (_p: Tree, x: Tensor) => f(x) }, anyShape(values), { agreement: composedElementwise });

const nearZero = async (z: Tensor): Promise<boolean> => (await toArray(z)).some((v) => Math.abs(v) < 1e-4);

type DenseParams = { readonly weight: Tensor; readonly bias: Tensor };
const lectureLike = sequential({ lin_1: dense(6, 5, { init: 'kaimingNormal' }), act: relu, lin_2: dense(5, 3, { init: 'kaimingNormal' }) });
type LectureParams = { readonly lin_1: DenseParams; readonly lin_2: DenseParams };

export const layerCases: readonly LayerCase[] = [
  fromLayer('dense(5 → 3), torchDefault init', dense(5, 3), rows(5)),
  fromLayer('dense(5 → 3), no bias, kaimingNormal init', dense(5, 3, { bias: false, init: 'kaimingNormal' }), rows(5)),
  fromLayer('dense(4 → 3) with fused relu', dense(4, 3, { activation: 'relu' }), rows(4), {
    onKink: (p, x) => nearZero(linear(x, p.weight, p.bias)),
  }),
  fromLayer('dense(4 → 2) on rank-3 inputs [B, N, 4]', dense(4, 2), (backend, size) => fc.tuple(batch(size), batch(size)).chain(([b, n]) => tensorArb(backend, [b, n, 4]))),
  activation('relu', relu),
  activation('leakyRelu(0.2)', (x) => leakyRelu(x, 0.2)),
  activation('sigmoid', sigmoid, { min: -6, max: 6 }),
  activation('logSigmoid', logSigmoid, { min: -6, max: 6 }),
  activation('tanh', tanh),
  activation('gelu (exact)', gelu),
  activation("gelu (approximate 'tanh')", (x) => gelu(x, { approximate: 'tanh' })),
  activation('softplus', softplus, { min: -6, max: 6 }),
  activation('softplus(beta 2)', (x) => softplus(x, { beta: 2 })),
  activation('softmax (last axis)', softmax, { kinks: [] }),
  activation('softmax (axis 0)', (x) => softmax(x, 0), { kinks: [] }),
  activation('logSoftmax', logSoftmax, { min: -4, max: 4, kinks: [] }),
  // Training mode with a fixed key: the mask is a constant of the function, which is then linear.
  fromLayer('dropout(0.3) in training, fixed key', dropout(0.3), anyShape(), { context: trainContext(key(7)), agreement: composedElementwise }),
  fromLayer('dropout(0.3) in evaluation', dropout(0.3), anyShape(), { agreement: composedElementwise }),
  fromLayer('sequential(lin_1: dense, act: relu, lin_2: dense), fused dense→relu', lectureLike as unknown as AnyInputLayer<LectureParams>, rows(6), {
    onKink: (p: LectureParams, x) => nearZero(linear(x, p.lin_1.weight, p.lin_1.bias)),
  }),
  fromLayer(
    'sequential with relu unfused and dropout in training',
    sequential({ lin_1: dense(6, 5), act: (x: Tensor) => relu(x), drop: dropout(0.25), lin_2: dense(5, 3) }) as unknown as AnyInputLayer<LectureParams>,
    rows(6),
    { context: trainContext(key(11)), onKink: (p: LectureParams, x) => nearZero(linear(x, p.lin_1.weight, p.lin_1.bias)) },
  ),
];
