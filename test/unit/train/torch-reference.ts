/**
 * Direct transcriptions of PyTorch's single-tensor optimizer loops (torch/optim/sgd.py `_single_tensor_sgd`,
 * torch/optim/adam.py `_single_tensor_adam`, AdamW being Adam with decoupled weight decay), in plain
 * float64 JS arrays. Each parameter is one Float64Array; the functions mutate their own state
 * arrays in place exactly as the PyTorch code does (this file is the test's oracle, not purenet).
 */

export interface TorchAdamConfig {
  readonly lr: number | ((step: number) => number);
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
}

export interface TorchAdamState {
  step: number;
  readonly expAvg: Float64Array[];
  readonly expAvgSq: Float64Array[];
}

export const torchAdamInit = (params: readonly Float64Array[]): TorchAdamState => ({
  step: 0,
  expAvg: params.map((p) => new Float64Array(p.length)),
  expAvgSq: params.map((p) => new Float64Array(p.length)),
});

/** One `optimizer.step()`; `lr` as a function gets the number of steps taken before this one (a scheduler's view). */
export const torchAdamStep = (params: Float64Array[], grads: readonly Float64Array[], state: TorchAdamState, config: TorchAdamConfig): void => {
  const lr = typeof config.lr === 'number' ? config.lr : config.lr(state.step);
  state.step += 1;
  const { beta1, beta2, eps, weightDecay } = config;
  params.forEach((param, i) => {
    let grad = Float64Array.from(grads[i]);
    if (weightDecay !== 0) {
      if (config.decoupled) for (let j = 0; j < param.length; j++) param[j] *= 1 - lr * weightDecay; // param.mul_(1 - lr * weight_decay)
      else grad = grad.map((g, j) => g + weightDecay * param[j]); // grad = grad.add(param, alpha=weight_decay)
    }
    const expAvg = state.expAvg[i];
    const expAvgSq = state.expAvgSq[i];
    for (let j = 0; j < param.length; j++) {
      expAvg[j] += (1 - beta1) * (grad[j] - expAvg[j]); // exp_avg.lerp_(grad, 1 - beta1)
      expAvgSq[j] = expAvgSq[j] * beta2 + (1 - beta2) * grad[j] * grad[j]; // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    }
    const biasCorrection1 = 1 - beta1 ** state.step;
    const biasCorrection2 = 1 - beta2 ** state.step;
    const stepSize = lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    for (let j = 0; j < param.length; j++) {
      const denom = Math.sqrt(expAvgSq[j]) / biasCorrection2Sqrt + eps; // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
      param[j] += -stepSize * (expAvg[j] / denom); // param.addcdiv_(exp_avg, denom, value=-step_size)
    }
  });
};

export interface TorchSgdConfig {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

export type TorchSgdState = (Float64Array | undefined)[];

export const torchSgdStep = (params: Float64Array[], grads: readonly Float64Array[], buffers: TorchSgdState, config: TorchSgdConfig): void => {
  const { lr, momentum, dampening, nesterov, weightDecay } = config;
  params.forEach((param, i) => {
    let grad = Float64Array.from(grads[i]);
    if (weightDecay !== 0) grad = grad.map((g, j) => g + weightDecay * param[j]); // grad.add(param, alpha=weight_decay)
    if (momentum !== 0) {
      const previous = buffers[i];
      const buf = previous === undefined ? Float64Array.from(grad) : previous; // torch.clone(grad).detach()
      if (previous === undefined) buffers[i] = buf;
      else for (let j = 0; j < buf.length; j++) buf[j] = buf[j] * momentum + (1 - dampening) * grad[j]; // buf.mul_(momentum).add_(grad, alpha=1 - dampening)
      if (nesterov) grad = grad.map((g, j) => g + momentum * buf[j]); // grad.add(buf, alpha=momentum)
      else grad = Float64Array.from(buf);
    }
    for (let j = 0; j < param.length; j++) param[j] += -lr * grad[j]; // param.add_(grad, alpha=-lr)
  });
};
