/**
 * A user-written layer: the gated linear unit (Dauphin et al. 2017),
 * glu(x) = (x Wᵀ + b) ⊙ sigmoid(x Vᵀ + c), as a purenet `Layer` composed from library ops only,
 * so its gradient comes from the primitives' VJPs and no hand-written rule is needed.
 */
import { formatShape, InvalidArgumentError, linear, mul, ShapeError, sigmoid, split, torchLinearDefault, type Layer, type Tensor } from '../../src/index.js';

/** Two `nn.Linear`-shaped halves: `value` carries the signal, `gate` decides how much passes. */
export type GluParams = {
  readonly value: { readonly weight: Tensor; readonly bias: Tensor };
  readonly gate: { readonly weight: Tensor; readonly bias: Tensor };
};

export type GluLayer = Layer<GluParams, Tensor, Tensor>;

const checkSize = (what: string, n: number): void => {
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('glu', `expected ${what} to be a positive integer, got ${n}`);
};

/**
 * `glu(in, out)`: x [N, in] -> [N, out]. Params `{ value: { weight [out, in], bias [out] },
 * gate: { weight [out, in], bias [out] } }`, each initialised as `nn.Linear` is,
 * U(-1/sqrt(in), 1/sqrt(in)), from four keys split off the one given (no hidden state).
 */
export const glu = (inFeatures: number, outFeatures: number): GluLayer => {
  checkSize('inFeatures', inFeatures);
  checkSize('outFeatures', outFeatures);
  const weightShape = [outFeatures, inFeatures] as const;
  const describe = `glu(${inFeatures} → ${outFeatures})`;

  const checkHalf = (api: string, name: string, half: GluParams['value'] | undefined): void => {
    const w = half?.weight?.shape;
    const b = half?.bias?.shape;
    if (w === undefined || w.length !== 2 || w[0] !== outFeatures || w[1] !== inFeatures || b === undefined || b.length !== 1 || b[0] !== outFeatures) {
      throw new ShapeError(
        api,
        `expected params.${name} { weight ${formatShape(weightShape)}, bias [${outFeatures}] }, got weight ${w === undefined ? 'missing' : formatShape(w)}, bias ${b === undefined ? 'missing' : formatShape(b)}`,
      );
    }
  };

  return {
    describe,
    rowwise: true,
    init: (k, backend) => {
      const [vw, vb, gw, gb] = split(k, 4);
      const fans = { fanIn: inFeatures, fanOut: outFeatures };
      return {
        value: { weight: torchLinearDefault(vw, backend, weightShape, fans), bias: torchLinearDefault(vb, backend, [outFeatures], fans) },
        gate: { weight: torchLinearDefault(gw, backend, weightShape, fans), bias: torchLinearDefault(gb, backend, [outFeatures], fans) },
      };
    },
    apply: (params, x, context) => {
      const api = `glu(${context?.path ?? `${inFeatures} → ${outFeatures}`})`;
      checkHalf(api, 'value', params?.value);
      checkHalf(api, 'gate', params?.gate);
      if (x.shape.length !== 2 || x.shape[1] !== inFeatures) {
        throw new ShapeError(api, `expected x of shape [N, ${inFeatures}], got ${formatShape(x.shape)}`);
      }
      const value = linear(x, params.value.weight, params.value.bias, { api });
      const gate = sigmoid(linear(x, params.gate.weight, params.gate.bias, { api }));
      return mul(value, gate);
    },
  };
};
