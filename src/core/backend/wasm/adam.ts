/**
 * The fused Adam sweep (Backend.adamStep, common case: no weight decay, parameter update applied)
 * as a WebAssembly SIMD kernel: four lanes of f32 arithmetic per instruction, where the JS loop
 * spends ~3 ns per element on scalar float64 division and square root. Inputs are copied into the
 * kernel's own memory and results copied out, so no caller array is ever written.
 *   mu' = mu b1 + g (1 - b1);  nu' = nu b2 + g^2 (1 - b2);  p' = p + ((mu' / (sqrt(nu') + eps)) stepScale) applyFactor
 * Arithmetic is float32 throughout (the JS kernel rounds only at the store), so results agree with
 * the composed formula to float32 rounding.
 */
import type { AdamHyper } from '../backend.js';
import { add, addF32x4, Code, encodeModule, get, i32, loadV128, mulF32x4, unsignedLeb, type Expr } from './emit.js';

const divF32x4 = (left: Expr, right: Expr): Expr => (c) => c.emit(left, right).op(0xfd, ...unsignedLeb(0xe7));
const sqrtF32x4 = (x: Expr): Expr => (c) => c.emit(x).op(0xfd, ...unsignedLeb(0xe3));
const splatF32 = (x: Expr): Expr => (c) => c.emit(x).op(0xfd, ...unsignedLeb(0x13));

/** adam(g, mu, nu, p, out, muOut, nuOut: byte offsets; bytes: multiple of 16; b1, c1, b2, c2, stepScale, eps, applyFactor). */
const adamFunction = () => {
  const params = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32'] as const;
  const code = new Code(params);
  const [g, mu, nu, p, out, muOut, nuOut, bytes] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => code.param(i));
  const scalars = [8, 9, 10, 11, 12, 13, 14].map((i) => code.param(i));
  const [b1, c1, b2, c2, stepScale, eps, applyFactor] = scalars.map((s) => {
    const v = code.local('v128');
    code.set(v, splatF32(get(s)));
    return v;
  });
  const i = code.local('i32');
  const gi = code.local('v128');
  const m = code.local('v128');
  const v = code.local('v128');
  const at = (base: typeof g): Expr => add(get(base), get(i));
  code.forRange(i, i32(0), get(bytes), 16, (c) => {
    c.set(gi, loadV128(at(g)));
    c.set(m, addF32x4(mulF32x4(loadV128(at(mu)), get(b1)), mulF32x4(get(gi), get(c1))));
    c.set(v, addF32x4(mulF32x4(loadV128(at(nu)), get(b2)), mulF32x4(mulF32x4(get(gi), get(gi)), get(c2))));
    c.storeV128(at(muOut), get(m));
    c.storeV128(at(nuOut), get(v));
    const direction = mulF32x4(divF32x4(get(m), addF32x4(sqrtF32x4(get(v)), get(eps))), get(stepScale));
    c.storeV128(at(out), addF32x4(loadV128(at(p)), mulF32x4(direction, get(applyFactor))));
  });
  return { name: 'adam', params, results: [] as const, code };
};

export interface WasmAdam {
  /** The sweep for float32 arrays of one length; undefined when the hyper-parameters need the general kernel. */
  step(g: Float32Array, mu: Float32Array, nu: Float32Array, p: Float32Array, hyper: AdamHyper): { result: Float32Array; mu: Float32Array; nu: Float32Array } | undefined;
}

/** The kernel, or undefined where WebAssembly SIMD does not validate. */
export const createWasmAdam = (): WasmAdam | undefined => {
  const bytes = encodeModule([adamFunction()]);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const adam = instance.exports.adam as (...args: number[]) => void;
  return {
    step: (g, mu, nu, p, h) => {
      if ((h.coupledDecay ?? 0) !== 0 || (h.decoupledDecay ?? 0) !== 0 || h.applyFactor === undefined) return undefined;
      const n = g.length;
      const region = Math.ceil(n / 4) * 16; // bytes per array, padded to whole vectors
      const needed = 7 * region;
      if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
      const view = (k: number) => new Float32Array(memory.buffer, k * region, n);
      [g, mu, nu, p].forEach((source, k) => view(k).set(source));
      adam(0, region, 2 * region, 3 * region, 4 * region, 5 * region, 6 * region, region, h.b1, 1 - h.b1, h.b2, 1 - h.b2, h.stepScale, h.epsScaled, h.applyFactor);
      return { result: view(4).slice(), mu: view(5).slice(), nu: view(6).slice() };
    },
  };
};
