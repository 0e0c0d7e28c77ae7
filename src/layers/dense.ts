/**
 * The fully connected layer with PyTorch's semantics and layout: params `{ weight [out, in],
 * bias [out] }` (the names and shapes of `nn.Linear`'s state_dict), `y = x Wᵀ + b` in one fused
 * `linear` kernel, inputs `[..., in]` of any rank >= 1. By default it is initialised as
 * `nn.Linear` is (`torchDefault`); `init: 'kaimingNormal'` gives the lecture's He init, zero bias.
 *
 * @example
 * const layer = dense(784, 256, { init: 'kaimingNormal' });
 * const params = layer.init(key(0), cpu);      // { weight: [256, 784], bias: [256] }
 * const h = layer.apply(params, x);            // x [N, 784] -> [N, 256]
 */
import { formatShape, InvalidArgumentError, linear, reshape, ShapeError, split, type Shape, type Tensor } from '../core/index.js';
import { kaimingNormal, torchLinearDefault, zeros, type Initializer } from './init.js';
import type { ApplyContext, FusableLayer, FusedActivation } from './layer.js';

/** `nn.Linear`'s parameters; the literal sizes travel in the types. */
export type DenseParams<I extends number, O extends number> = {
  readonly weight: Tensor<readonly [O, I]>;
  readonly bias: Tensor<readonly [O]>;
};
export type DenseParamsNoBias<I extends number, O extends number> = {
  readonly weight: Tensor<readonly [O, I]>;
};

/**
 * 'torchDefault': weight and bias U(-1/sqrt(in), 1/sqrt(in)), what `nn.Linear` gives.
 * 'kaimingNormal': weight N(0, 2/in) (He, for relu), bias zeros, the lecture's choice.
 * `{ weight, bias? }`: your initialisers; the bias defaults to zeros. Both are called with the
 * weight's fans (`{ fanIn: in, fanOut: out }`).
 */
export type DenseInit = 'torchDefault' | 'kaimingNormal' | { readonly weight: Initializer; readonly bias?: Initializer };

export interface DenseOptions {
  /** Learn an additive bias (default true); `false` leaves `bias` out of the params. */
  readonly bias?: boolean;
  readonly init?: DenseInit;
  /** Applied in the matmul's store: `relu(x Wᵀ + b)` in one kernel. Default 'none'. */
  readonly activation?: 'none' | FusedActivation;
  /** Names the layer in errors; otherwise the container's name for it (e.g. `lin_1`) is used. */
  readonly name?: string;
}

export type DenseLayer<P extends DenseParamsNoBias<I, O>, I extends number, O extends number> = FusableLayer<
  P,
  Tensor<readonly [number, I]>,
  Tensor<readonly [number, O]>
>;

const initializersFor = (init: DenseInit): { readonly weight: Initializer; readonly bias: Initializer } => {
  if (init === 'torchDefault') return { weight: torchLinearDefault, bias: torchLinearDefault };
  if (init === 'kaimingNormal') return { weight: kaimingNormal, bias: zeros };
  if (typeof init === 'object' && init !== null && typeof init.weight === 'function') return { weight: init.weight, bias: init.bias ?? zeros };
  throw new InvalidArgumentError('dense', `expected init 'torchDefault', 'kaimingNormal' or { weight, bias? } initialisers, got ${String(init)}`);
};

const checkSize = (what: string, n: number): void => {
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('dense', `expected ${what} to be a positive integer, got ${n}`);
};

/**
 * A dense layer `[..., in] -> [..., out]`. Input rank >= 2 is flattened to `[N, in]` for the
 * kernel and restored, as `nn.Linear` does; a rank-1 input `[in]` gives `[out]`.
 */
export function dense<I extends number, O extends number>(inFeatures: I, outFeatures: O, options: DenseOptions & { readonly bias: false }): DenseLayer<DenseParamsNoBias<I, O>, I, O>;
export function dense<I extends number, O extends number>(inFeatures: I, outFeatures: O, options?: DenseOptions): DenseLayer<DenseParams<I, O>, I, O>;
export function dense<I extends number, O extends number>(
  inFeatures: I,
  outFeatures: O,
  options: DenseOptions = {},
): DenseLayer<DenseParams<I, O>, I, O> | DenseLayer<DenseParamsNoBias<I, O>, I, O> {
  checkSize('inFeatures', inFeatures);
  checkSize('outFeatures', outFeatures);
  const { bias: hasBias = true, init = 'torchDefault', activation = 'none', name } = options;
  if (activation !== 'none' && activation !== 'relu') throw new InvalidArgumentError('dense', `expected activation 'none' or 'relu', got ${String(activation)}`);
  const initializers = initializersFor(init);
  const weightShape = [outFeatures, inFeatures] as const;
  const describe = `dense(${inFeatures} → ${outFeatures}${hasBias ? '' : ', no bias'}${activation === 'none' ? '' : `, ${activation}`})`;
  const apiFor = (context: ApplyContext | undefined): string => `dense(${name ?? context?.path ?? `${inFeatures} → ${outFeatures}`})`;

  const checkParams = (api: string, params: Partial<DenseParams<I, O>> | undefined): void => {
    const expected = `{ weight ${formatShape(weightShape)}${hasBias ? `, bias [${outFeatures}]` : ''} }`;
    const weight = params?.weight;
    if (weight?.shape === undefined || weight.shape.length !== 2 || weight.shape[0] !== outFeatures || weight.shape[1] !== inFeatures) {
      throw new ShapeError(api, `expected params ${expected}, got weight ${weight?.shape === undefined ? 'missing' : formatShape(weight.shape)}`);
    }
    if (hasBias && (params?.bias?.shape === undefined || params.bias.shape.length !== 1 || params.bias.shape[0] !== outFeatures)) {
      throw new ShapeError(api, `expected params ${expected}, got bias ${params?.bias?.shape === undefined ? 'missing' : formatShape(params.bias.shape)}`);
    }
  };

  const run = (params: DenseParamsNoBias<I, O>, x: Tensor, fused: 'none' | FusedActivation, context: ApplyContext | undefined): Tensor => {
    const api = apiFor(context);
    checkParams(api, params);
    if (x.shape.length === 0) throw new ShapeError(api, `expected x of shape [..., ${inFeatures}], got a scalar`);
    const inner = x.shape[x.shape.length - 1];
    if (inner !== inFeatures) {
      throw new ShapeError(api, `expected x.shape[-1] = ${inFeatures}, got ${inner} (weight is ${formatShape(weightShape)})`);
    }
    const bias = hasBias ? (params as DenseParams<I, O>).bias : undefined;
    const lead: Shape = x.shape.slice(0, -1);
    const x2 = x.shape.length === 2 ? x : reshape(x, [lead.reduce((n, d) => n * d, 1), inFeatures]);
    const y = linear(x2, params.weight, bias, { activation: fused, api });
    return x.shape.length === 2 ? y : reshape(y, [...lead, outFeatures]);
  };

  const layer: DenseLayer<DenseParamsNoBias<I, O>, I, O> = {
    describe,
    rowwise: true,
    init: (key, backend) => {
      const [weightKey, biasKey] = split(key, 2);
      const fans = { fanIn: inFeatures, fanOut: outFeatures };
      const weight = initializers.weight(weightKey, backend, weightShape, fans) as Tensor<readonly [O, I]>;
      if (!hasBias) return { weight };
      const bias = initializers.bias(biasKey, backend, [outFeatures] as const, fans) as Tensor<readonly [O]>;
      return { weight, bias } as DenseParamsNoBias<I, O>;
    },
    apply: (params, x, context) => run(params, x, activation, context) as Tensor<readonly [number, O]>,
    // relu(relu(z)) = relu(z), so a layer built with activation 'relu' fuses the same way.
    applyWithActivation: (params, x, fusedActivation, context) => run(params, x, fusedActivation, context) as Tensor<readonly [number, O]>,
  };
  // With a bias, init returns and apply reads the bias too: the overloads give the precise type.
  return layer;
}
