/**
 * Float64 triple-loop matmul, the specification the wasm kernel is held to, plus the error
 * measure and a seeded data generator for the tests.
 */

export interface MatmulCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly bias: boolean;
  readonly relu: boolean;
  readonly seed: number;
}

export interface MatmulData {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly bias: Float32Array | undefined;
}

/** Uniform [-1, 1) floats from a 32-bit seed (mulberry32); no Math.random, so failures replay. */
export function seededFloats(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

export function caseData(c: MatmulCase): MatmulData {
  return {
    a: seededFloats(c.m * c.k, c.seed),
    b: seededFloats(c.k * c.n, c.seed ^ 0x9e3779b9),
    bias: c.bias ? seededFloats(c.n, c.seed ^ 0x85ebca6b) : undefined,
  };
}

export interface Reference {
  /** The exact answer (in float64) of relu?(op(A)·op(B) + bias). */
  readonly value: Float64Array;
  /** |op(A)|·|op(B)| + |bias|: the magnitude a float32 rounding error scales with. */
  readonly magnitude: Float64Array;
}

export function referenceMatmul(c: MatmulCase, data: MatmulData): Reference {
  const { m, k, n, transA, transB } = c;
  // Rows of op(A) and columns of op(B) gathered once, so the inner loop runs over contiguous memory.
  const rowsOfA = Float64Array.from({ length: m * k }, (_, index) => {
    const i = Math.floor(index / k);
    const p = index % k;
    return data.a[transA ? p * m + i : i * k + p] as number;
  });
  const columnsOfB = Float64Array.from({ length: n * k }, (_, index) => {
    const j = Math.floor(index / k);
    const p = index % k;
    return data.b[transB ? j * k + p : p * n + j] as number;
  });
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = data.bias === undefined ? 0 : (data.bias[j] as number);
      let size = Math.abs(sum);
      for (let p = 0; p < k; p++) {
        const product = (rowsOfA[i * k + p] as number) * (columnsOfB[j * k + p] as number);
        sum += product;
        size += Math.abs(product);
      }
      value[i * n + j] = c.relu ? Math.max(sum, 0) : sum;
      magnitude[i * n + j] = size;
    }
  }
  return { value, magnitude };
}

/**
 * ‖C − R‖_F / ‖R‖_F. When cancellation makes R itself tiny (a 1×1 result near zero, a ReLU that
 * zeroes everything), the denominator is floored at 1% of ‖|A||B| + |bias|‖_F, the scale the
 * rounding error actually has; otherwise this is the plain relative Frobenius error.
 */
export function relativeError(actual: Float32Array, reference: Reference): number {
  let difference = 0;
  let norm = 0;
  let scale = 0;
  reference.value.forEach((expected, index) => {
    difference += ((actual[index] as number) - expected) ** 2;
    norm += expected ** 2;
    scale += (reference.magnitude[index] as number) ** 2;
  });
  const denominator = Math.max(Math.sqrt(norm), 0.01 * Math.sqrt(scale), Number.MIN_VALUE);
  return Math.sqrt(difference) / denominator;
}
