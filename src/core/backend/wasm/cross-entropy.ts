/**
 * The fused softmax / cross-entropy pass (Backend.crossEntropy and its backward) as WebAssembly,
 * for the common targets (no class weights, no label smoothing; an ignore index is fine). It is
 * bitwise the TypeScript kernel (array/kernels.ts): the same float64 operations in the same
 * order, with `exp` and `log` ported from fdlibm as V8 ships them (src/base/ieee754.cc), so they
 * give Math.exp's and Math.log's bits (tested on millions of arguments). Per row: the max, then
 * exp(z - max) stored as float32 and summed in float64, the division, log-sum-exp, and the loss
 * lse − z[label]; the backward is g·(softmax·total − a).
 *
 * @internal
 */
import type { CrossEntropyTargets } from '../backend.js';
import { copyOut, zeroFilled, type Allocate } from '../copy-out.js';
import {
  Code, type Expr, type FunctionDef, type Local,
  add, addF64, and, call, convertI32, demoteF64, divF64, encodeModule, eq, eqF64, eqz, f64, fromWords, geS, get, gtF64,
  gtS, highWord, i32, loadF32, loadI32, lowWord, ltF64, ltS, mul, mulF64, ne, or, promoteF32, select, shl, shrS, shrU,
  sub, subF64, truncF64, xor,
} from './emit.js';

const [EXP, LOG] = [0, 1];

/** fdlibm's exp as in V8 (ieee754::exp), operation for operation. */
function expFunction(): FunctionDef {
  const code = new Code(['f64']);
  const x = code.param(0);
  const [hx, xsb, k] = [code.local('i32'), code.local('i32'), code.local('i32')];
  const [hi, lo, t, c, y, twopk] = Array.from({ length: 6 }, () => code.local('f64'));
  const ln2HI = 6.93147180369123816490e-01;
  const ln2LO = 1.90821492927058770002e-10;
  const [P1, P2, P3, P4, P5] = [1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05, -1.65339022054652515390e-06, 4.13813679705723846039e-08];
  const [twom1000, two1023, huge] = [9.33263618503218878990e-302, 8.988465674311579539e307, 1.0e+300];
  code.set(hx, highWord(get(x)));
  code.set(xsb, and(shrU(get(hx), i32(31)), i32(1)));
  code.set(hx, and(get(hx), i32(0x7fffffff)));
  code.ifThen(geS(get(hx), i32(0x40862e42)), (big) => {
    big.ifThen(geS(get(hx), i32(0x7ff00000)), (nonFinite) => {
      nonFinite.ifThen(ne(or(and(get(hx), i32(0xfffff)), lowWord(get(x))), i32(0)), (nan) => nan.retValue(addF64(get(x), get(x))));
      nonFinite.retValue(select(get(x), f64(0), eqz(get(xsb))));
    });
    big.ifThen(gtF64(get(x), f64(7.09782712893383973096e+02)), (over) => over.retValue(mulF64(f64(huge), f64(huge))));
    big.ifThen(ltF64(get(x), f64(-7.45133219101941108420e+02)), (under) => under.retValue(mulF64(f64(twom1000), f64(twom1000))));
  });
  code.ifThen(gtS(get(hx), i32(0x3fd62e42)), (reduce) => {
    reduce.ifThen(ltS(get(hx), i32(0x3ff0a2b2)), (near) => {
      near.ifThen(eqF64(get(x), f64(1)), (one) => one.retValue(f64(2.718281828459045)));
      near.set(hi, subF64(get(x), select(f64(-ln2HI), f64(ln2HI), get(xsb))));
      near.set(lo, select(f64(-ln2LO), f64(ln2LO), get(xsb)));
      near.set(k, sub(sub(i32(1), get(xsb)), get(xsb)));
    }, (far) => {
      far.set(k, truncF64(addF64(mulF64(f64(1.44269504088896338700e+00), get(x)), select(f64(-0.5), f64(0.5), get(xsb)))));
      far.set(t, convertI32(get(k)));
      far.set(hi, subF64(get(x), mulF64(get(t), f64(ln2HI))));
      far.set(lo, mulF64(get(t), f64(ln2LO)));
    });
    reduce.set(x, subF64(get(hi), get(lo)));
  }, (small) => small.ifThen(ltS(get(hx), i32(0x3e300000)), (tiny) => {
    tiny.ifThen(gtF64(addF64(f64(huge), get(x)), f64(1)), (inexact) => inexact.retValue(addF64(f64(1), get(x))));
  }));
  code.set(t, mulF64(get(x), get(x)));
  code.set(twopk, select(
    fromWords(add(i32(0x3ff00000), shl(get(k), i32(20))), i32(0)),
    fromWords(add(i32(0x3ff00000), shl(add(get(k), i32(1000)), i32(20))), i32(0)),
    geS(get(k), i32(-1021))));
  const poly = (v: Expr): Expr => addF64(f64(P1), mulF64(v, addF64(f64(P2), mulF64(v, addF64(f64(P3), mulF64(v, addF64(f64(P4), mulF64(v, f64(P5)))))))));
  code.set(c, subF64(get(x), mulF64(get(t), poly(get(t)))));
  code.ifThen(eqz(get(k)), (zero) => zero.retValue(subF64(f64(1), subF64(divF64(mulF64(get(x), get(c)), subF64(get(c), f64(2))), get(x)))));
  code.set(y, subF64(f64(1), subF64(subF64(get(lo), divF64(mulF64(get(x), get(c)), subF64(f64(2), get(c)))), get(hi))));
  code.ifThen(geS(get(k), i32(-1021)), (normal) => {
    normal.ifThen(eq(get(k), i32(1024)), (top) => top.retValue(mulF64(mulF64(get(y), f64(2)), f64(two1023))));
    normal.retValue(mulF64(get(y), get(twopk)));
  });
  code.emit(mulF64(mulF64(get(y), get(twopk)), f64(twom1000)));
  return { name: 'exp', params: code.params, results: ['f64'], code };
}

/** fdlibm's log as in V8 (ieee754::log), operation for operation. */
function logFunction(): FunctionDef {
  const code = new Code(['f64']);
  const x = code.param(0);
  const [hx, k, i, j] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const [f, s, z, R, w, t1, t2, dk, hfsq] = Array.from({ length: 9 }, () => code.local('f64'));
  const [ln2Hi, ln2Lo] = [6.93147180369123816490e-01, 1.90821492927058770002e-10];
  const [Lg1, Lg2, Lg3, Lg4, Lg5, Lg6, Lg7] = [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
    2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01];
  const setDk = (c: Code): void => void c.set(dk, convertI32(get(k)));
  code.set(hx, highWord(get(x)));
  code.set(k, i32(0));
  code.ifThen(ltS(get(hx), i32(0x00100000)), (tinyOrNegative) => {
    tinyOrNegative.ifThen(eqz(or(and(get(hx), i32(0x7fffffff)), lowWord(get(x)))), (zero) => zero.retValue(f64(-Infinity)));
    tinyOrNegative.ifThen(ltS(get(hx), i32(0)), (negative) => negative.retValue(f64(NaN)));
    tinyOrNegative.set(k, sub(get(k), i32(54)));
    tinyOrNegative.set(x, mulF64(get(x), f64(1.80143985094819840000e+16)));
    tinyOrNegative.set(hx, highWord(get(x)));
  });
  code.ifThen(geS(get(hx), i32(0x7ff00000)), (nonFinite) => nonFinite.retValue(addF64(get(x), get(x))));
  code.set(k, add(get(k), sub(shrS(get(hx), i32(20)), i32(1023))));
  code.set(hx, and(get(hx), i32(0x000fffff)));
  code.set(i, and(add(get(hx), i32(0x95f64)), i32(0x100000)));
  code.set(x, fromWords(or(get(hx), xor(get(i), i32(0x3ff00000))), lowWord(get(x))));
  code.set(k, add(get(k), shrS(get(i), i32(20))));
  code.set(f, subF64(get(x), f64(1)));
  code.ifThen(ltS(and(i32(0x000fffff), add(i32(2), get(hx))), i32(3)), (near) => {
    near.ifThen(eqF64(get(f), f64(0)), (exact) => {
      exact.ifThen(eqz(get(k)), (zero) => zero.retValue(f64(0)));
      setDk(exact);
      exact.retValue(addF64(mulF64(get(dk), f64(ln2Hi)), mulF64(get(dk), f64(ln2Lo))));
    });
    near.set(R, mulF64(mulF64(get(f), get(f)), subF64(f64(0.5), mulF64(f64(0.33333333333333333), get(f)))));
    near.ifThen(eqz(get(k)), (zero) => zero.retValue(subF64(get(f), get(R))));
    setDk(near);
    near.retValue(subF64(mulF64(get(dk), f64(ln2Hi)), subF64(subF64(get(R), mulF64(get(dk), f64(ln2Lo))), get(f))));
  });
  code.set(s, divF64(get(f), addF64(f64(2), get(f))));
  setDk(code);
  code.set(z, mulF64(get(s), get(s)));
  code.set(i, sub(get(hx), i32(0x6147a)));
  code.set(w, mulF64(get(z), get(z)));
  code.set(j, sub(i32(0x6b851), get(hx)));
  code.set(t1, mulF64(get(w), addF64(f64(Lg2), mulF64(get(w), addF64(f64(Lg4), mulF64(get(w), f64(Lg6)))))));
  code.set(t2, mulF64(get(z), addF64(f64(Lg1), mulF64(get(w), addF64(f64(Lg3), mulF64(get(w), addF64(f64(Lg5), mulF64(get(w), f64(Lg7)))))))));
  code.set(i, or(get(i), get(j)));
  code.set(R, addF64(get(t2), get(t1)));
  code.ifThen(gtS(get(i), i32(0)), (wide) => {
    wide.set(hfsq, mulF64(mulF64(f64(0.5), get(f)), get(f)));
    wide.ifThen(eqz(get(k)), (zero) => zero.retValue(subF64(get(f), subF64(get(hfsq), mulF64(get(s), addF64(get(hfsq), get(R)))))));
    wide.retValue(subF64(mulF64(get(dk), f64(ln2Hi)),
      subF64(subF64(get(hfsq), addF64(mulF64(get(s), addF64(get(hfsq), get(R))), mulF64(get(dk), f64(ln2Lo)))), get(f))));
  });
  code.ifThen(eqz(get(k)), (zero) => zero.retValue(subF64(get(f), mulF64(get(s), subF64(get(f), get(R))))));
  code.emit(subF64(mulF64(get(dk), f64(ln2Hi)), subF64(subF64(mulF64(get(s), subF64(get(f), get(R))), mulF64(get(dk), f64(ln2Lo))), get(f))));
  return { name: 'log', params: code.params, results: ['f64'], code };
}

/** Whether label `y` has a target (weight 1) in a row of `classes`: not ignored, in range. */
const hasTarget = (y: Local, ignore: Local, classes: Local): Expr =>
  and(and(ne(get(y), get(ignore)), geS(get(y), i32(0))), ltS(get(y), get(classes)));

/** `forward(z, labels, n, classes, ignore, loss, softmax)`: byte addresses; float32 z, loss, softmax, i32 labels. */
function forwardFunction(): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [z, labels, n, classes, ignore, loss, softmax] = [0, 1, 2, 3, 4, 5, 6].map((p) => code.param(p));
  const [row, col, base, y] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const [m, s, e, zj, lse, l] = Array.from({ length: 6 }, () => code.local('f64'));
  const at = (array: Local): Expr => add(get(array), shl(add(get(base), get(col)), i32(2)));
  code.forRange(row, i32(0), get(n), 1, (r) => {
    r.set(base, mul(get(row), get(classes)));
    r.set(m, f64(-Infinity));
    r.forRange(col, i32(0), get(classes), 1, (c) => {
      c.set(zj, promoteF32(loadF32(at(z))));
      c.set(m, select(get(zj), get(m), gtF64(get(zj), get(m))));
    });
    r.set(s, f64(0));
    r.forRange(col, i32(0), get(classes), 1, (c) => {
      c.set(e, call(EXP, subF64(promoteF32(loadF32(at(z))), get(m))));
      c.storeF32(at(softmax), demoteF64(get(e)));
      c.set(s, addF64(get(s), get(e)));
    });
    r.forRange(col, i32(0), get(classes), 1, (c) => c.storeF32(at(softmax), demoteF64(divF64(promoteF32(loadF32(at(softmax))), get(s)))));
    r.set(lse, addF64(get(m), call(LOG, get(s))));
    r.set(y, loadI32(add(get(labels), shl(get(row), i32(2)))));
    r.set(l, f64(0));
    r.ifThen(hasTarget(y, ignore, classes), (target) => target.set(l, addF64(f64(0), mulF64(f64(1),
      subF64(get(lse), promoteF32(loadF32(add(get(z), shl(add(get(base), get(y)), i32(2))))))))));
    r.storeF32(add(get(loss), shl(get(row), i32(2))), demoteF64(get(l)));
  });
  return { name: 'forward', params: code.params, results: [], code };
}

/** `backward(softmax, ct, ctStride, labels, n, classes, ignore, out)`: ct[row] at ct + row·ctStride bytes. */
function backwardFunction(): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [softmax, ct, ctStride, labels, n, classes, ignore, out] = [0, 1, 2, 3, 4, 5, 6, 7].map((p) => code.param(p));
  const [row, col, base, y] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const [g, total] = [code.local('f64'), code.local('f64')];
  const at = (array: Local): Expr => add(get(array), shl(add(get(base), get(col)), i32(2)));
  code.forRange(row, i32(0), get(n), 1, (r) => {
    r.set(base, mul(get(row), get(classes)));
    r.set(y, loadI32(add(get(labels), shl(get(row), i32(2)))));
    r.set(total, select(f64(1), f64(0), hasTarget(y, ignore, classes)));
    r.set(g, promoteF32(loadF32(add(get(ct), mul(get(row), get(ctStride))))));
    r.forRange(col, i32(0), get(classes), 1, (c) => {
      const a = select(f64(1), f64(0), and(eq(get(col), get(y)), hasTarget(y, ignore, classes)));
      c.storeF32(at(out), demoteF64(mulF64(get(g), subF64(mulF64(promoteF32(loadF32(at(softmax))), get(total)), a))));
    });
  });
  return { name: 'backward', params: code.params, results: [], code };
}

/** The module: exp, log (exported for the tests), forward, backward. @internal */
export const crossEntropyModuleBytes = (): Uint8Array<ArrayBuffer> =>
  encodeModule([expFunction(), logFunction(), forwardFunction(), backwardFunction()]);

export interface WasmCrossEntropy {
  /** The fused forward, or undefined for targets it does not cover (class weights, label smoothing). */
  forward(z: Float32Array, n: number, classes: number, t: CrossEntropyTargets): { loss: Float32Array; softmax: Float32Array } | undefined;
  /** The backward, or undefined as `forward`. `ct` has n values or one. */
  backward(softmax: Float32Array, ct: Float32Array, n: number, classes: number, t: CrossEntropyTargets): Float32Array | undefined;
  /** fdlibm's exp and log as compiled here, for the tests. @internal */
  readonly exp: (x: number) => number;
  readonly log: (x: number) => number;
}

const covers = (t: CrossEntropyTargets): boolean =>
  t.classWeights === undefined && t.labelSmoothing === 0 && Number.isInteger(t.ignoreIndex) && Math.abs(t.ignoreIndex) < 2 ** 31;

/** The kernel, or undefined without WebAssembly. Inputs are copied in and results copied out. */
export const createWasmCrossEntropy = (allocate: Allocate = zeroFilled): WasmCrossEntropy | undefined => {
  if (typeof WebAssembly === 'undefined') return undefined;
  const bytes = crossEntropyModuleBytes();
  if (!WebAssembly.validate(bytes)) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as {
    exp(x: number): number; log(x: number): number;
    forward(...args: number[]): void; backward(...args: number[]): void;
  };
  const ensure = (end: number): void => {
    if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  };
  const f32 = (at: number, length: number): Float32Array => new Float32Array(memory.buffer, at, length);
  return {
    exp: exports.exp,
    log: exports.log,
    forward(z, n, classes, t) {
      if (!covers(t) || t.labels.length !== n) return undefined;
      const [zAt, labelsAt, lossAt, softmaxAt] = [0, 4 * n * classes, 4 * n * (classes + 1), 4 * n * (classes + 2)];
      ensure(softmaxAt + 4 * n * classes);
      f32(zAt, n * classes).set(z);
      new Int32Array(memory.buffer, labelsAt, n).set(t.labels);
      exports.forward(zAt, labelsAt, n, classes, t.ignoreIndex, lossAt, softmaxAt);
      return { loss: copyOut(f32(lossAt, n), allocate), softmax: copyOut(f32(softmaxAt, n * classes), allocate) };
    },
    backward(softmax, ct, n, classes, t) {
      if (!covers(t) || t.labels.length !== n || (ct.length !== 1 && ct.length !== n)) return undefined;
      const [smAt, ctAt, labelsAt, outAt] = [0, 4 * n * classes, 4 * n * (classes + 1), 4 * n * (classes + 2)];
      ensure(outAt + 4 * n * classes);
      f32(smAt, n * classes).set(softmax);
      f32(ctAt, ct.length).set(ct);
      new Int32Array(memory.buffer, labelsAt, n).set(t.labels);
      exports.backward(smAt, ctAt, ct.length === 1 ? 0 : 4, labelsAt, n, classes, t.ignoreIndex, outAt);
      return copyOut(f32(outAt, n * classes), allocate);
    },
  };
};
