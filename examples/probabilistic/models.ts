/**
 * The two probabilistic models. A Gaussian regressor is one trunk with two heads — the mean, and
 * the variance through a positivity map — each a dense layer, so its params are
 * `{ trunk, mean, variance }`. A Bernoulli classifier is an MLP with one logit.
 *
 * Why a log-variance head by default: the network outputs s = log σ², any real number, and the
 * loss 0.5 (s + (y − μ)² e^(−s)) (gaussianNllLogVar) needs no clamp. Its gradient in s,
 * 0.5 (1 − (y − μ)²/σ²), is bounded and stays useful at any scale of σ, from 0.05 to 0.65 here.
 * The softplus head (σ² = softplus(s) + 1e-6, PyTorch's GaussianNLLLoss) also works, but its
 * gradient fades where softplus flattens (small σ²), and PyTorch's clamp at eps hides gradient
 * issues. `--variance-head softplus` runs it for comparison.
 */
import { add, exp, split, type Backend, type Key, type Tensor } from '../../src/core/index.js';
import { dense, relu, sequential, softplus, type Layer } from '../../src/layers/index.js';

export const varianceHeads = ['logvar', 'softplus'] as const;
export type VarianceHead = (typeof varianceHeads)[number];

const trunk = sequential({
  lin_1: dense(1, 64, { init: 'kaimingNormal' }),
  act_1: relu,
  lin_2: dense(64, 64, { init: 'kaimingNormal' }),
  act_2: relu,
});
const meanHead = dense(64, 1);
const varianceHead = dense(64, 1);

type TrunkParams = ReturnType<typeof trunk.init>;
type HeadParams = ReturnType<typeof meanHead.init>;
/** A type alias, not an interface: only aliases get the implicit index signature that `Tree` asks for. */
export type GaussianParams = {
  readonly trunk: TrunkParams;
  readonly mean: HeadParams;
  readonly variance: HeadParams;
};

export interface GaussianOutput {
  /** [N, 1] */
  readonly mean: Tensor;
  /** [N, 1], the head's raw output: log σ² ('logvar') or the softplus argument ('softplus'). */
  readonly raw: Tensor;
}

/** x [N, 1] → { mean [N, 1], raw [N, 1] }. */
export const gaussianModel: Layer<GaussianParams, Tensor, GaussianOutput> = {
  describe: 'gaussian(trunk: dense(1 → 64), relu, dense(64 → 64), relu; heads: mean dense(64 → 1), variance dense(64 → 1))',
  init: (k: Key, backend: Backend): GaussianParams => {
    const [trunkKey, meanKey, varianceKey] = split(k, 3);
    return { trunk: trunk.init(trunkKey, backend), mean: meanHead.init(meanKey, backend), variance: varianceHead.init(varianceKey, backend) };
  },
  apply: (params, x) => {
    const h = trunk.apply(params.trunk, x) as Tensor<readonly [number, 64]>;
    return { mean: meanHead.apply(params.mean, h), raw: varianceHead.apply(params.variance, h) };
  },
};

/** The variance head's positivity map: σ² from the raw output, [N, 1]. */
export const varianceOf = (head: VarianceHead, raw: Tensor): Tensor => (head === 'logvar' ? exp(raw) : add(softplus(raw), 1e-6));

/** x [N, 2] → logits [N, 1]. */
export const bernoulliModel = sequential({
  lin_1: dense(2, 32, { init: 'kaimingNormal' }),
  act_1: relu,
  lin_2: dense(32, 32, { init: 'kaimingNormal' }),
  act_2: relu,
  lin_3: dense(32, 1),
});
