/**
 * Scalar functions JavaScript's Math lacks, in float64. erf is used by exact GELU; its accuracy
 * matters because the float64 reference backend is the specification the others are checked
 * against.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) to ~1e-14: Maclaurin series below |x| = 2.5, Lentz continued fraction for erfc above. */
export const erf = (x: number): number => {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let total = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const contribution = term / (2 * n + 1);
      total += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(total)) break;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * total;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let i = 1; i < 300; i++) {
    const a = i / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : d;
    c = ax + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
};

export const UNARY: Readonly<Record<string, (x: number) => number>> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  erf,
};

export const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  maskPositive: (a, b) => (b > 0 ? a : 0),
};
