/**
 * Matmul over JS typed arrays. `matmulReference` is the float64 specification: a plain triple
 * loop over strided operands. `matmulBlocked` is the portable fast path: op(A) is packed into
 * 4-row panels and op(B) into 4-column panels (zero-padded), then a 4x4 tile of C lives in 16
 * locals while k streams through both panels (about 3 GFLOP/s here, see shared/GPU.md).
 */
import type { MatmulSpec } from '../backend.js';
import type { FloatArray, FloatArrayConstructor } from './kernels.js';

export interface Epilogue {
  readonly bias?: FloatArray;
  readonly relu?: boolean;
}

/** Element (i, p) of op(A) and (p, j) of op(B) through strides. */
const strides = ({ m, k, n, transA, transB }: MatmulSpec) => ({
  aRow: transA ? 1 : k,
  aCol: transA ? m : 1,
  bRow: transB ? 1 : n,
  bCol: transB ? k : 1,
});

const applyEpilogue = (c: FloatArray, m: number, n: number, epilogue: Epilogue | undefined): FloatArray => {
  if (epilogue === undefined) return c;
  const { bias, relu = false } = epilogue;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = c[i * n + j] + (bias === undefined ? 0 : bias[j]);
      if (relu && !(v > 0)) v = 0;
      c[i * n + j] = v;
    }
  }
  return c;
};

export const matmulReference = (Out: FloatArrayConstructor, a: FloatArray, b: FloatArray, spec: MatmulSpec, epilogue?: Epilogue): FloatArray => {
  const { m, k, n } = spec;
  const s = strides(spec);
  const c = new Out(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let p = 0; p < k; p++) total += a[i * s.aRow + p * s.aCol] * b[p * s.bRow + j * s.bCol];
      c[i * n + j] = total;
    }
  }
  return applyEpilogue(c, m, n, epilogue);
};

/** Packs op(X) rows [r0, r0+4) (or columns, for B) as p-major 4-wide panels, zero-padded. */
const packPanels = (x: FloatArray, count: number, k: number, lineStride: number, depthStride: number): Float32Array => {
  const panels = Math.ceil(count / 4);
  const packed = new Float32Array(panels * 4 * k);
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * 4 * k;
    for (let r = 0; r < 4; r++) {
      const line = panel * 4 + r;
      if (line >= count) break;
      const src = line * lineStride;
      for (let p = 0; p < k; p++) packed[base + p * 4 + r] = x[src + p * depthStride];
    }
  }
  return packed;
};

export const matmulBlocked = (Out: FloatArrayConstructor, a: FloatArray, b: FloatArray, spec: MatmulSpec, epilogue?: Epilogue): FloatArray => {
  const { m, k, n } = spec;
  const s = strides(spec);
  const pa = packPanels(a, m, k, s.aRow, s.aCol);
  const pb = packPanels(b, n, k, s.bCol, s.bRow);
  const c = new Out(m * n);
  for (let ib = 0; ib < m; ib += 4) {
    const aBase = (ib / 4) * 4 * k;
    for (let jb = 0; jb < n; jb += 4) {
      const bBase = (jb / 4) * 4 * k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const ao = aBase + p * 4;
        const bo = bBase + p * 4;
        const a0 = pa[ao], a1 = pa[ao + 1], a2 = pa[ao + 2], a3 = pa[ao + 3];
        const b0 = pb[bo], b1 = pb[bo + 1], b2 = pb[bo + 2], b3 = pb[bo + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let r = 0; r < 4 && ib + r < m; r++) {
        for (let q = 0; q < 4 && jb + q < n; q++) c[(ib + r) * n + jb + q] = tile[r * 4 + q];
      }
    }
  }
  return applyEpilogue(c, m, n, epilogue);
};
