/**
 * Parameter initialisers, PyTorch's `torch.nn.init` with explicit keys: each is
 * `(key, backend, shape, fans?) => Tensor`. Fans are computed as PyTorch does for a weight laid
 * out `[out, in, ...kernel]` (fan_in = in * receptive field); `fans` overrides them, which is how
 * a bias `[out]` gets the fan_in of its weight.
 *
 * @example
 * const w = kaimingNormal(key(0), cpu, [256, 784]);                  // N(0, sqrt(2/784)^2), std 0.0505
 * const v = kaimingUniform(key(1), cpu, [256, 784], { nonlinearity: 'tanh' });
 * const b = torchLinearDefault(key(2), cpu, [256], { fanIn: 784 }); // U(-1/28, 1/28)
 */
import { full, InvalidArgumentError, normal, uniform, formatShape, sizeOf, type Backend, type Key, type Shape, type Tensor } from '../core/index.js';

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** Makes a tensor of `shape`; `fans` overrides the fans that would be read off the shape. */
export type Initializer = (key: Key, backend: Backend, shape: Shape, fans?: Partial<Fans>) => Tensor;

/** PyTorch's `calculate_gain` names, camel-cased. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/**
 * PyTorch's `calculate_gain`: linear and sigmoid 1, tanh 5/3, relu sqrt(2), selu 3/4, leakyRelu
 * sqrt(2 / (1 + slope^2)) with slope 0.01 when not given (PyTorch's default for this function).
 */
export const calculateGain = (nonlinearity: Nonlinearity, negativeSlope = 0.01): number => {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'selu':
      return 3 / 4;
    case 'leakyRelu':
      if (!Number.isFinite(negativeSlope)) throw new InvalidArgumentError('calculateGain', `expected a finite negativeSlope, got ${negativeSlope}`);
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    default:
      throw new InvalidArgumentError('calculateGain', `expected one of linear, sigmoid, tanh, relu, leakyRelu, selu, got ${String(nonlinearity)}`);
  }
};

/** One fan of a weight `[out, in, ...kernel]` (in or out times the receptive field), or its override. */
const fanOf = (api: string, shape: Shape, which: keyof Fans, override: Partial<Fans>): number => {
  const given = override[which];
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 0) throw new InvalidArgumentError(api, `expected ${which} to be a non-negative integer, got ${given}`);
    return given;
  }
  if (shape.length < 2) {
    throw new InvalidArgumentError(api, `cannot compute ${which} for shape ${formatShape(shape)} (fewer than 2 dimensions); pass { ${which} } (a bias takes its weight's)`);
  }
  return shape[which === 'fanIn' ? 1 : 0] * sizeOf(shape.slice(2));
};

/** fan_in and fan_out as PyTorch computes them; throws for rank < 2 unless both are given. */
export const computeFans = (api: string, shape: Shape, override: Partial<Fans> = {}): Fans => ({
  fanIn: fanOf(api, shape, 'fanIn', override),
  fanOut: fanOf(api, shape, 'fanOut', override),
});

export interface KaimingOptions extends Partial<Fans> {
  /** Which fan sets the variance: 'fanIn' keeps the forward pass's variance, 'fanOut' the backward's. */
  readonly mode?: 'fanIn' | 'fanOut';
  /** Default 'leakyRelu' with negativeSlope 0, i.e. gain sqrt(2), as PyTorch's `a=0`. */
  readonly nonlinearity?: Nonlinearity;
  /** PyTorch's `a`; used only by 'leakyRelu'. Default 0. */
  readonly negativeSlope?: number;
}

/** gain / sqrt(fan) for the Kaiming initialisers; zero-element tensors need no scale. */
const kaimingStd = (api: string, shape: Shape, options: KaimingOptions): number => {
  const { mode = 'fanIn', nonlinearity = 'leakyRelu', negativeSlope = 0 } = options;
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new InvalidArgumentError(api, `expected mode 'fanIn' or 'fanOut', got ${String(mode)}`);
  const fan = fanOf(api, shape, mode, options);
  if (fan === 0) return 0;
  return calculateGain(nonlinearity, negativeSlope) / Math.sqrt(fan);
};

/** He et al. (PyTorch `kaiming_normal_`): untruncated N(0, std^2), std = gain / sqrt(fan). */
export const kaimingNormal = <const S extends Shape>(key: Key, backend: Backend, shape: S, options: KaimingOptions = {}): Tensor<S> =>
  normal(backend, key, shape, { std: kaimingStd('kaimingNormal', shape, options) });

/** PyTorch `kaiming_uniform_`: U(-bound, bound), bound = gain * sqrt(3 / fan). */
export const kaimingUniform = <const S extends Shape>(key: Key, backend: Backend, shape: S, options: KaimingOptions = {}): Tensor<S> => {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, options);
  return uniform(backend, key, shape, { low: -bound, high: bound });
};

export interface XavierOptions extends Partial<Fans> {
  /** Multiplies the standard deviation (or bound); default 1. See `calculateGain`. */
  readonly gain?: number;
}

const xavierStd = (api: string, shape: Shape, options: XavierOptions): number => {
  const { gain = 1 } = options;
  if (!Number.isFinite(gain)) throw new InvalidArgumentError(api, `expected a finite gain, got ${gain}`);
  const { fanIn, fanOut } = computeFans(api, shape, options);
  return fanIn + fanOut === 0 ? 0 : gain * Math.sqrt(2 / (fanIn + fanOut));
};

/** Glorot (PyTorch `xavier_normal_`): N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)). */
export const xavierNormal = <const S extends Shape>(key: Key, backend: Backend, shape: S, options: XavierOptions = {}): Tensor<S> =>
  normal(backend, key, shape, { std: xavierStd('xavierNormal', shape, options) });

/** PyTorch `xavier_uniform_`: U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)). */
export const xavierUniform = <const S extends Shape>(key: Key, backend: Backend, shape: S, options: XavierOptions = {}): Tensor<S> => {
  const bound = Math.sqrt(3) * xavierStd('xavierUniform', shape, options);
  return uniform(backend, key, shape, { low: -bound, high: bound });
};

/**
 * What `nn.Linear` does when you do nothing: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight
 * (PyTorch's `kaiming_uniform_(a=sqrt(5))`) and for the bias (pass `{ fanIn }` of the weight).
 * It is not Kaiming-normal: its std is 1/sqrt(3 fan_in), about 0.41 of Kaiming's for relu.
 */
export const torchLinearDefault = <const S extends Shape>(key: Key, backend: Backend, shape: S, fans: Partial<Fans> = {}): Tensor<S> => {
  const fanIn = fanOf('torchLinearDefault', shape, 'fanIn', fans);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform(backend, key, shape, { low: -bound, high: bound });
};

/** All zeros (the key is unused; it is taken so that every initialiser has one signature). */
export const zeros = <const S extends Shape>(_key: Key, backend: Backend, shape: S): Tensor<S> => full(backend, shape, 0);

/** An initialiser that fills with `value`. */
export const constant =
  (value: number): Initializer =>
  (_key, backend, shape) =>
    full(backend, shape, value);
