/**
 * Zero skipping: a product whose op(A) or op(B) is mostly +0 (MNIST pixels are 81% zeros; ReLU
 * outputs about half; one-hot and bag-of-words inputs more) takes the sparse-rows path
 * (sparse-rows.ts): the sparse operand's rows are listed by their non-zeros and only those take a
 * step of the kernel. A census before any packing picks the path: the zero share of each operand
 * from a sample of its vectors, then a full check that the other operand is finite.
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
  Code, type Expr, type FunctionDef,
  add, addF32, allTrueI32x4, and, eqF32, eqF32x4, eqI32x4, extractLaneI32x4, f32, get, i32, loadF32,
  loadV128, ltS, mulF32, mulF32x4, orV128, shl, subI32x4, zeroV128,
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

/** The census samples every SAMPLE_STRIDE-th vector of four floats for its zero share. */
export const SAMPLE_STRIDE = 8;

/**
 * Builds `zeros(ptr, floats) → i32`: how many +0 floats the sampled vectors hold (every
 * SAMPLE_STRIDE-th whole vector from ptr; see sampledFloats).
 */
export function zerosFunction(): FunctionDef {
  const code = new Code(['i32', 'i32']);
  const [ptr, floats] = [code.param(0), code.param(1)];
  const [at, end] = [code.local('i32'), code.local('i32')];
  const lanes = code.local('v128');
  code.set(lanes, zeroV128);
  code.set(at, get(ptr));
  code.set(end, add(get(ptr), shl(and(get(floats), i32(-4)), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    // A lane is all ones where the comparison holds, i.e. -1: subtracting it counts.
    body.set(lanes, subI32x4(get(lanes), eqI32x4(loadV128(get(at)), zeroV128)));
    body.set(at, add(get(at), i32(16 * SAMPLE_STRIDE)));
  });
  code.emit(add(add(extractLaneI32x4(get(lanes), 0), extractLaneI32x4(get(lanes), 1)),
    add(extractLaneI32x4(get(lanes), 2), extractLaneI32x4(get(lanes), 3))));
  return { name: 'zeros', params: code.params, results: ['i32'], code };
}

/** Floats the `zeros` census looks at for an operand of `floats`. */
export const sampledFloats = (floats: number): number => 4 * Math.ceil(Math.floor(floats / 4) / SAMPLE_STRIDE);

/**
 * Builds `finite(ptr, floats) → i32`: 1 when no float is ±∞ or NaN. x·0 is ±0 for a finite x and
 * NaN otherwise; the vectors' products are OR-ed together bitwise (±0 bits leave a NaN a NaN), four
 * vectors a round.
 */
export function finiteFunction(): FunctionDef {
  const code = new Code(['i32', 'i32']);
  const [ptr, floats] = [code.param(0), code.param(1)];
  const [at, end] = [code.local('i32'), code.local('i32')];
  const sum = code.local('v128');
  const tail = code.local('f32');
  code.set(sum, zeroV128);
  code.set(at, get(ptr));
  const product = (offset: number): Expr => mulF32x4(loadV128(get(at), offset), zeroV128);
  // Four vectors a round, then single vectors, then single floats.
  code.set(end, add(get(ptr), shl(and(get(floats), i32(-16)), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    body.set(sum, orV128(get(sum), orV128(orV128(product(0), product(16)), orV128(product(32), product(48)))));
    body.set(at, add(get(at), i32(64)));
  });
  code.set(end, add(get(ptr), shl(and(get(floats), i32(-4)), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    body.set(sum, orV128(get(sum), product(0)));
    body.set(at, add(get(at), i32(16)));
  });
  code.set(tail, f32(0));
  code.set(end, add(get(ptr), shl(get(floats), i32(2))));
  code.whileLoop(ltS(get(at), get(end)), (body) => {
    body.set(tail, addF32(get(tail), mulF32(loadF32(get(at)), f32(0))));
    body.set(at, add(get(at), i32(4)));
  });
  // NaN is the only value unequal to itself.
  code.emit(and(allTrueI32x4(eqF32x4(get(sum), get(sum))), eqF32(get(tail), get(tail))));
  return { name: 'finite', params: code.params, results: ['i32'], code };
}

export interface Census {
  zeros(ptr: number, floats: number): number;
  finite(ptr: number, floats: number): number;
}

/**
 * The path for one product (0: dense): the sparser operand (by a sampled census) is listed when at
 * least `minZeroShare` of it is +0 and the other operand is all finite. `a`, `b` are byte addresses
 * of the operands as stored (a census does not care about transposition).
 */
export function chooseSkip(census: Census, a: number, aFloats: number, b: number, bFloats: number): number {
  const share = (ptr: number, floats: number): number => census.zeros(ptr, floats) / Math.max(1, sampledFloats(floats));
  const [za, zb] = [share(a, aFloats), share(b, bFloats)];
  const candidates = [
    { skip: SPARSE_A, share: za, other: [b, bFloats] as const },
    { skip: SPARSE_B, share: zb, other: [a, aFloats] as const },
  ].filter((c) => c.share >= minZeroShare).sort((x, y) => y.share - x.share);
  return candidates.find((c) => census.finite(...c.other) === 1)?.skip ?? 0;
}
