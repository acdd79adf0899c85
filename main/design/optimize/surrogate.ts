// A user's measured column as an objective: ridge regression fitted on the collection's values over latent
// vectors (the model's encoding) or Morgan fingerprints, with its k-fold cross-validated R² — the only honest
// word on whether the search may trust it — and a warning when that is too weak. The ridge penalty is chosen by
// the same cross-validation from a small grid. Features are centred (and the target), so the intercept is not
// penalized. With more features than molecules (fingerprints) the dual form is solved (an n×n system).
import { Rng } from '../../../models/graph/rng.ts';

export type SurrogateFeatures = 'latent' | 'fingerprint';

export interface RidgeModel {
  weights: Float64Array;
  xMean: Float64Array;
  yMean: number;
  alpha: number;
}

export interface Surrogate extends RidgeModel {
  features: SurrogateFeatures;
  /** k-fold cross-validated R² at the chosen alpha */
  cvR2: number;
  folds: number;
  molecules: number;
  /** set when cvR2 is below the threshold: the search should not be trusted to follow it */
  warning: string | null;
}

export const ALPHAS = [0.01, 0.1, 1, 10, 100, 1000];
export const WEAK_R2 = 0.5;

/** Solves the symmetric positive definite system A x = b (Cholesky), A n×n row-major; overwrites nothing. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('the ridge system is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Ridge regression on rows x[i] (all of length d): minimizes |y − ȳ − (X − x̄)w|² + alpha·|w|². */
export function fitRidge(x: readonly ArrayLike<number>[], y: readonly number[], alpha: number): RidgeModel {
  const n = x.length, d = x[0]?.length ?? 0;
  if (n < 2 || d < 1) throw new Error('ridge regression needs at least two molecules');
  const xMean = new Float64Array(d);
  for (const row of x) for (let j = 0; j < d; j++) xMean[j] += row[j] / n;
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const xc = x.map((row) => Float64Array.from({ length: d }, (_, j) => row[j] - xMean[j]));
  const yc = Float64Array.from(y, (v) => v - yMean);
  let weights: Float64Array;
  if (d <= n) {
    // primal: (XᵀX + αI) w = Xᵀy
    const a = new Float64Array(d * d), b = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const r = xc[i];
      for (let p = 0; p < d; p++) {
        if (r[p] === 0) continue;
        b[p] += r[p] * yc[i];
        for (let q = 0; q <= p; q++) a[p * d + q] += r[p] * r[q];
      }
    }
    for (let p = 0; p < d; p++) {
      a[p * d + p] += alpha;
      for (let q = 0; q < p; q++) a[q * d + p] = a[p * d + q];
    }
    weights = solveSpd(a, b, d);
  } else {
    // dual: w = Xᵀ(XXᵀ + αI)⁻¹y
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += xc[i][p] * xc[j][p];
        k[i * n + j] = k[j * n + i] = s;
      }
      k[i * n + i] += alpha;
    }
    const c = solveSpd(k, yc, n);
    weights = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) weights[p] += c[i] * xc[i][p];
  }
  return { weights, xMean, yMean, alpha };
}

export function predictRidge(m: RidgeModel, x: ArrayLike<number>): number {
  let s = m.yMean;
  for (let j = 0; j < m.weights.length; j++) s += m.weights[j] * (x[j] - m.xMean[j]);
  return s;
}

/** R² = 1 − SS_res / SS_tot of predictions against values. */
export function r2(values: readonly number[], predictions: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let res = 0, tot = 0;
  values.forEach((v, i) => {
    res += (v - predictions[i]) ** 2;
    tot += (v - mean) ** 2;
  });
  return tot === 0 ? 0 : 1 - res / tot;
}

/** The Gram matrix X Xᵀ (n×n), computed once for every fold and penalty of a cross-validation. */
function gram(x: readonly ArrayLike<number>[]): Float64Array {
  const n = x.length, d = x[0].length;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const a = x[i], b = x[j];
      for (let p = 0; p < d; p++) s += a[p] * b[p];
      g[i * n + j] = g[j * n + i] = s;
    }
  }
  return g;
}

/**
 * Ridge in its dual (kernel) form on the rows `train` of a Gram matrix, predicting the rows `test`: with the
 * training mean m, (x_i − m)·(x_j − m) = G_ij − r_i − r_j + c (r_i the mean of G_ik over training k, c the mean
 * of r), so a fold costs an n_train² solve and no pass over the features.
 */
function kernelFold(g: Float64Array, n: number, y: readonly number[], train: readonly number[], test: readonly number[], alpha: number): number[] {
  const t = train.length;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const k of train) s += g[i * n + k];
    r[i] = s / t;
  }
  let c = 0;
  for (const k of train) c += r[k] / t;
  const yMean = train.reduce((a, i) => a + y[i], 0) / t;
  const k = new Float64Array(t * t);
  for (let a = 0; a < t; a++) {
    for (let b = 0; b <= a; b++) {
      const i = train[a], j = train[b];
      k[a * t + b] = k[b * t + a] = g[i * n + j] - r[i] - r[j] + c;
    }
    k[a * t + a] += alpha;
  }
  const coef = solveSpd(k, Float64Array.from(train, (i) => y[i] - yMean), t);
  return test.map((j) => {
    let s = yMean;
    train.forEach((i, a) => (s += coef[a] * (g[i * n + j] - r[i] - r[j] + c)));
    return s;
  });
}

/** Out-of-fold predictions of k-fold cross-validation (folds from a shuffle seeded by `seed`), and their R². */
export function crossValidate(x: readonly ArrayLike<number>[], y: readonly number[], alpha: number, folds: number, seed: number, g?: Float64Array): { r2: number; predictions: number[] } {
  const n = x.length;
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const predictions = new Array<number>(n).fill(0);
  // more features than molecules (fingerprints): the dual form over one Gram matrix
  const dual = x[0].length > n;
  const G = dual ? (g ?? gram(x)) : null;
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, k) => k % folds === f);
    const testSet = new Set(test);
    const train = order.filter((i) => !testSet.has(i));
    if (G) {
      kernelFold(G, n, y, train, test, alpha).forEach((p, k) => (predictions[test[k]] = p));
    } else {
      const m = fitRidge(train.map((i) => x[i]), train.map((i) => y[i]), alpha);
      for (const i of test) predictions[i] = predictRidge(m, x[i]);
    }
  }
  return { r2: r2(y, predictions), predictions };
}

/**
 * Fits the surrogate: alpha chosen by k-fold CV R² from ALPHAS, then refitted on all molecules. Needs at
 * least 2·folds molecules so every fold has a test set of two.
 */
export function fitSurrogate(x: readonly ArrayLike<number>[], y: readonly number[], features: SurrogateFeatures, seed: number, o: { folds?: number; weakR2?: number } = {}): Surrogate {
  const folds = o.folds ?? 5;
  if (x.length !== y.length) throw new Error('one value per molecule');
  if (x.length < 2 * folds) throw new Error(`a surrogate needs at least ${2 * folds} molecules with values, not ${x.length}`);
  let best = { alpha: ALPHAS[0], r2: -Infinity };
  const g = x[0].length > x.length ? gram(x) : undefined;
  for (const alpha of ALPHAS) {
    // the same folds for every alpha (same seed): the comparison is between penalties, not between splits
    const cv = crossValidate(x, y, alpha, folds, seed, g);
    if (cv.r2 > best.r2) best = { alpha, r2: cv.r2 };
  }
  const m = fitRidge(x, y, best.alpha);
  const weak = o.weakR2 ?? WEAK_R2;
  return {
    ...m, features, cvR2: best.r2, folds, molecules: x.length,
    warning: best.r2 < weak ? `cross-validated R² ${best.r2.toFixed(2)} is below ${weak}: the surrogate is too weak to trust, its optimum may not be real` : null,
  };
}

/** Fingerprint words as 0/1 features (2048 of them). */
export function fingerprintFeatures(fp: Uint32Array): Float64Array {
  const out = new Float64Array(fp.length * 32);
  for (let w = 0; w < fp.length; w++) for (let b = 0; b < 32; b++) out[w * 32 + b] = (fp[w] >>> b) & 1;
  return out;
}
