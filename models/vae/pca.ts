// A small PCA for latent statistics: mean and covariance of row vectors, then the symmetric eigenproblem by
// cyclic Jacobi rotations (exact to rounding, no dependencies, fast enough for the 32-128 dimensions of a
// latent space). Axes come back as unit vectors sorted by explained variance, largest first.

export interface Pca {
  mean: number[];
  /** Principal axes, unit length, by decreasing variance. */
  axes: number[][];
  /** Variance along each axis. */
  variances: number[];
  count: number;
}

/** PCA of `rows` vectors of length dim stored row-major in data. */
export function pca(data: ArrayLike<number>, rows: number, dim: number): Pca {
  if (rows < 2) throw new Error(`pca: needs at least 2 rows, got ${rows}`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dim; i++) mean[i] += data[r * dim + i];
  for (let i = 0; i < dim; i++) mean[i] /= rows;
  const cov = Array.from({ length: dim }, () => new Float64Array(dim));
  const x = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) x[i] = data[r * dim + i] - mean[i];
    for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) cov[i][j] += x[i] * x[j];
  }
  for (let i = 0; i < dim; i++)
    for (let j = i; j < dim; j++) {
      cov[i][j] /= rows - 1;
      cov[j][i] = cov[i][j];
    }
  const { values, vectors } = jacobiEigen(cov);
  const order = [...values.keys()].sort((a, b) => values[b] - values[a]);
  return {
    mean: Array.from(mean),
    axes: order.map((k) => vectors.map((row) => row[k])),
    variances: order.map((k) => Math.max(0, values[k])),
    count: rows,
  };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, by cyclic Jacobi sweeps. */
export function jacobiEigen(m: readonly Float64Array[] | number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => Float64Array.from(r));
  const v = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: a.map((r, i) => r[i]), vectors: v.map((r) => Array.from(r)) };
}
