/**
 * Zero skipping: a product whose op(A) or op(B) is mostly +0 (MNIST pixels are 81% zeros; one-hot
 * and bag-of-words inputs more) walks only the k steps at which a tile's A panel (4 rows) or B panel
 * (8 columns) holds a non-zero. The packers list those steps (pack.ts), the kernel walks the list
 * (kernel.ts). On the lecture's batches it visits ~39% of the k steps of both large products.
 *
 * Results are bitwise those of the dense loop: a skipped step would add a·b with a = +0 and b
 * finite, i.e. ±0, to an accumulator that is never -0 (it starts at +0, and round-to-nearest gives
 * +0 for x + (-x)), which changes nothing; the other steps run in the same order. That needs the
 * OTHER operand to be finite (0·∞ is NaN), so `census` checks it first and a non-finite value
 * there means the dense loop. Only +0 is skipped: -0 and NaN count as non-zero.
 *
 * @internal
 */
import {
  Code, type FunctionDef,
  add, addI32x4, and, andV128, anyTrue, eq, eqI32x4, extractLaneI32x4, get, i32, loadI32, loadV128, ltS, mul,
  or, orV128, shl, splatI32x4, subI32x4, zeroV128,
} from './emit.js';
import { SKIP_A, SKIP_B } from './kernel.js';

/**
 * An operand must be at least this share +0 for its panels to be listed. Listing costs ~3% of a
 * dense product; scattered zeros (ReLU outputs, ~50%) rarely empty a whole 4- or 8-wide panel.
 */
export const minZeroShare = 0.6;
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
 * The skip flag for one product (0: dense): list the sparser operand's panels when at least
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
  if (useA && (!useB || za >= zb)) return SKIP_A;
  return useB ? SKIP_B : 0;
}
