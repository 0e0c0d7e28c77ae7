/**
 * Every initialiser under its short name, for discovery and for names that collide elsewhere
 * (`initializers.zeros` vs core's `zeros(backend, shape)`), like `jax.nn.initializers`.
 *
 * @example
 * dense(784, 256, { init: { weight: initializers.xavierUniform, bias: initializers.zeros } });
 */
import { calculateGain, constant, kaimingNormal, kaimingUniform, torchLinearDefault, xavierNormal, xavierUniform, zeros } from './init.js';

export const initializers = Object.freeze({
  calculateGain,
  kaimingNormal,
  kaimingUniform,
  xavierNormal,
  xavierUniform,
  torchLinearDefault,
  zeros,
  constant,
});
