/**
 * Packing kernels (emitted as wasm). A panel is `width` consecutive rows of op(A) (width 4) or
 * columns of op(B) (width 8), laid out k-major: for each k step, `width` contiguous floats, zero
 * past the matrix edge. The micro-kernel then streams both operands with unit stride whatever
 * the transposition was, which is how A·B, Aᵀ·B and A·Bᵀ share one kernel.
 *
 * A source is described by two byte strides: `strideK` between consecutive k and `strideW`
 * between consecutive rows/columns of the panel. Whichever of them is 4 (one float) picks the
 * fast path: a straight v128 copy, or 4×4 transposes with shuffles (KERNELS.md: this took packing
 * from ~15% to ~4% of a forward call). Ragged edges fall back to a scalar loop.
 *
 * @internal
 */
import {
  Code, type Expr, type FunctionDef, type Local,
  add, and, eq, f32, get, i32, loadF32, loadV128, ltS, minS, mul, sub, transpose4x4,
} from './emit.js';

/** Builds `pack{width}(src, strideK, strideW, kc, w, dst)`: `w` rows/columns, `kc` steps. */
export function packFunction(width: 4 | 8): FunctionDef {
  const code = new Code(['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [src, strideK, strideW, kc, w, dst] = [0, 1, 2, 3, 4, 5].map((i) => code.param(i));
  const j = code.local('i32'); // first row/column of the current panel
  const p = code.local('i32'); // k step
  const lane = code.local('i32');
  const edge = code.local('i32'); // rows/columns actually present in this panel
  const from = code.local('i32'); // source of this panel
  const to = code.local('i32'); // destination of this panel
  const quad = (): Quad => [code.local('v128'), code.local('v128'), code.local('v128'), code.local('v128')];
  const rows = quad(); // four source rows, four k values each
  const pairs = quad(); // rows interleaved pairwise
  const panelBytes = width * 4;

  code.forRange(j, i32(0), get(w), width, (c) => {
    c.set(edge, minS(i32(width), sub(get(w), get(j))));
    c.set(from, add(get(src), mul(get(j), get(strideW))));
    c.set(to, add(get(dst), mul(get(j), mul(get(kc), i32(4)))));
    c.ifThen(fullPanelWith(edge, width, strideW), (copy) => {
      copy.forRange(p, i32(0), get(kc), 1, (body) => {
        for (let q = 0; q < width / 4; q++) {
          body.storeV128(add(get(to), mul(get(p), i32(panelBytes))), loadV128(add(get(from), mul(get(p), get(strideK))), q * 16), q * 16);
        }
      });
    }, (other) => {
      other.ifThen(fullPanelWith(edge, width, strideK), (transpose) => {
        emitTransposedPanel(transpose, { from, to, strideW, kc, p, rows, pairs, width });
        emitScalarPanel(transpose, { from, to, strideK, strideW, kc, p, lane, edge, width, start: and4(kc) });
      }, (scalar) => {
        emitScalarPanel(scalar, { from, to, strideK, strideW, kc, p, lane, edge, width, start: i32(0) });
      });
    });
  });
  return { name: `pack${width}`, params: code.params, results: [], code };
}

/** The panel is whole and its source is contiguous along `unitStride`. */
function fullPanelWith(edge: Local, width: number, unitStride: Local): Expr {
  return and(eq(get(edge), i32(width)), eq(get(unitStride), i32(4)));
}

/** `kc` rounded down to a multiple of 4: the part the transposing loop covers. */
const and4 = (kc: Local): Expr => and(get(kc), i32(-4));

type Quad = readonly [Local, Local, Local, Local];

interface TransposeLocals {
  readonly from: Local; readonly to: Local; readonly strideW: Local; readonly kc: Local; readonly p: Local;
  readonly rows: Quad; readonly pairs: Quad; readonly width: number;
}

/**
 * Source contiguous along k: load four rows of four k values, transpose in registers, store
 * four k steps. Covers k in multiples of 4; the scalar loop finishes the rest.
 */
function emitTransposedPanel(c: Code, l: TransposeLocals): void {
  const { from, to, strideW, kc, p, rows, pairs, width } = l;
  c.forRange(p, i32(0), and4(kc), 4, (body) => {
    for (let group = 0; group < width / 4; group++) {
      rows.forEach((row, r) => {
        body.set(row, loadV128(add(add(get(from), mul(i32(group * 4 + r), get(strideW))), mul(get(p), i32(4)))));
      });
      const columns = transpose4x4(body, rows, pairs);
      columns.forEach((column, step) => {
        const out = add(get(to), mul(add(get(p), i32(step)), i32(width * 4)));
        body.storeV128(out, column, group * 16);
      });
    }
  });
}

interface ScalarLocals {
  readonly from: Local; readonly to: Local; readonly strideK: Local; readonly strideW: Local;
  readonly kc: Local; readonly p: Local; readonly lane: Local; readonly edge: Local;
  readonly width: number; readonly start: Expr;
}

/** Any strides, any edge: one float at a time, zero past the edge so the kernel needs no masks. */
function emitScalarPanel(c: Code, l: ScalarLocals): void {
  const { from, to, strideK, strideW, kc, p, lane, edge, width, start } = l;
  c.forRange(p, start, get(kc), 1, (row) => {
    row.forRange(lane, i32(0), i32(width), 1, (body) => {
      const out = add(get(to), mul(add(mul(get(p), i32(width)), get(lane)), i32(4)));
      const source = add(add(get(from), mul(get(p), get(strideK))), mul(get(lane), get(strideW)));
      // The load must not run past the edge (it may be outside memory), so branch, not select.
      body.ifThen(ltS(get(lane), get(edge)),
        (inside) => inside.storeF32(out, loadF32(source)),
        (outside) => outside.storeF32(out, f32(0)));
    });
  });
}
