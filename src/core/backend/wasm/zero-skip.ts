/**
 * Zero skipping: a product whose op(A) or op(B) is mostly +0 (MNIST pixels are 81% zeros; ReLU
 * outputs about half; one-hot and bag-of-words inputs more) takes the sparse-rows path
 * (sparse-rows.ts): the sparse operand's rows are listed by their non-zeros and only those take a
 * step of the kernel. A census of both operands, before any packing, picks the path.
 *
 * Results are bitwise those of the dense kernel: a skipped step would add a·b with a = +0 and b
 * finite, i.e. ±0, to an accumulator that is never -0 (it starts at +0, and round-to-nearest gives
 * +0 for x + (-x)), which changes nothing; the other steps run in the same order. That needs the
 * OTHER operand to be finite (0·∞ is NaN), so a non-finite value there means the dense path. Only
 * +0 is skipped: -0 and NaN count as non-zero.
 *
 * @internal
 */
import {
  Code, type FunctionDef,
  add, addI32x4, and, andV128, anyTrue, eq, eqI32x4, extractLaneI32x4, get, i32, loadI32, loadV128, ltS, mul,
  or, orV128, shl, splatI32x4, subI32x4, zeroV128,
} from './emit.js';

/** The sparse operand is op(A) (its rows are listed), or op(B) (the product runs as Cᵀ = op(B)ᵀ·op(A)ᵀ). */
export const SPARSE_A = 1;
export const SPARSE_B = 2;

/**
 * An operand must be at least this share +0 to take the sparse path: a listed step runs at ~44
 * GFLOP/s against the dense kernel's ~55 and listing costs ~5%, so it pays from ~25% zeros.
 */
export const minZeroShare = 0.4;
/** Products below this many flops (2·m·k·n) are not worth a census. */
export const minSkipFlops = 4_000_000;

const exponentMask = 0x7f800000;

/**
 * Builds `census(ptr, floats) → i32`: (number of +0 floats) · 2 + (1 if any float is ±∞ or NaN).
 * Read it with `>>> 0` (the count may use bit 31).
 */
export function censusFunction(): FunctionDef {
  const code = new Code(['i32', 'i32']);
  const [ptr, floats] = [code.param(0), code.param(1)];
  const [at, end, zeros, bad] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const [zeroLanes, badLanes, exponent, value] = [code.local('v128'), code.local('v128'), code.local('v128'), code.local('v128')];
  const word = code.local('i32');

  code.set(zeroLanes, zeroV128);
  code.set(badLanes, zeroV128);
  code.set(exponent, splatI32x4(i32(exponentMask)));
  code.set(at, get(ptr));
  code.set(end, add(get(ptr), shl(and(get(floats), i32(-4)), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    body.set(value, loadV128(get(at)));
    // A lane is all ones where the comparison holds, i.e. -1: subtracting it counts.
    body.set(zeroLanes, subI32x4(get(zeroLanes), eqI32x4(get(value), zeroV128)));
    body.set(badLanes, orV128(get(badLanes), eqI32x4(andV128(get(value), get(exponent)), get(exponent))));
    body.set(at, add(get(at), i32(16)));
  });
  code.set(zeroLanes, addI32x4(get(zeroLanes), get(zeroLanes))); // count twice: bit 0 is the non-finite flag
  code.set(zeros, add(add(extractLaneI32x4(get(zeroLanes), 0), extractLaneI32x4(get(zeroLanes), 1)),
    add(extractLaneI32x4(get(zeroLanes), 2), extractLaneI32x4(get(zeroLanes), 3))));
  code.set(bad, anyTrue(get(badLanes)));
  code.set(end, add(get(ptr), shl(get(floats), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    body.set(word, loadI32(get(at)));
    body.set(zeros, add(get(zeros), mul(eq(get(word), i32(0)), i32(2))));
    body.set(bad, or(get(bad), eq(and(get(word), i32(exponentMask)), i32(exponentMask))));
    body.set(at, add(get(at), i32(4)));
  });
  code.emit(or(get(zeros), get(bad)));
  return { name: 'census', params: code.params, results: ['i32'], code };
}

export type Census = (ptr: number, floats: number) => number;

/**
 * The path for one product (0: dense): the sparser operand's rows are listed when at least
 * `minZeroShare` of it is +0 and the other operand is all finite. `a`, `b` are byte addresses of
 * the operands as stored (a census does not care about transposition).
 */
export function chooseSkip(census: Census, a: number, aFloats: number, b: number, bFloats: number): number {
  const [ca, cb] = [census(a, aFloats) >>> 0, census(b, bFloats) >>> 0];
  const share = (c: number, floats: number): number => Math.floor(c / 2) / floats;
  const finite = (c: number): boolean => (c & 1) === 0;
  const [za, zb] = [share(ca, aFloats), share(cb, bFloats)];
  const useA = za >= minZeroShare && finite(cb);
  const useB = zb >= minZeroShare && finite(ca);
  if (useA && (!useB || za >= zb)) return SPARSE_A;
  return useB ? SPARSE_B : 0;
}
