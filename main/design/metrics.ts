// Generative-model metrics with MOSES's definitions (Polykovskiy et al. 2020), on plain arrays:
// validity, uniqueness, novelty, internal diversity, Wasserstein-1 between two samples, R², active units.

/** Fraction of decodes RDKit accepts (canonical !== null). */
export function validity(canonical: readonly (string | null)[]): number {
  return canonical.length ? canonical.filter((s) => s !== null).length / canonical.length : 0;
}

/** Distinct valid molecules / valid molecules. */
export function uniqueness(canonical: readonly (string | null)[]): number {
  const valid = canonical.filter((s): s is string => s !== null);
  return valid.length ? new Set(valid).size / valid.length : 0;
}

/** Distinct valid molecules not in the training set / distinct valid molecules. */
export function novelty(canonical: readonly (string | null)[], train: ReadonlySet<string>): number {
  const unique = new Set(canonical.filter((s): s is string => s !== null));
  if (unique.size === 0) return 0;
  let novel = 0;
  for (const s of unique) if (!train.has(s)) novel++;
  return novel / unique.size;
}

/**
 * 1D Wasserstein-1 distance between two empirical distributions (scipy.stats.wasserstein_distance, which
 * MOSES uses): the integral of |F_a(x) − F_b(x)| over x.
 */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const sa = [...a].sort((x, y) => x - y), sb = [...b].sort((x, y) => x - y);
  const all = [...sa, ...sb].sort((x, y) => x - y);
  let i = 0, j = 0, total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k];
    while (i < sa.length && sa[i] <= x) i++;
    while (j < sb.length && sb[j] <= x) j++;
    total += Math.abs(i / sa.length - j / sb.length) * (all[k + 1] - x);
  }
  return total;
}

/** Coefficient of determination of predictions against truth (1 − SS_res / SS_tot). */
export function rSquared(truth: readonly number[], pred: readonly number[]): number {
  const n = truth.length;
  if (n < 2) return NaN;
  const mean = truth.reduce((s, v) => s + v, 0) / n;
  let res = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    res += (truth[i] - pred[i]) ** 2;
    tot += (truth[i] - mean) ** 2;
  }
  return tot === 0 ? NaN : 1 - res / tot;
}

/** Latent dimensions whose mean's variance over a data set exceeds threshold (Burda et al. 2016). */
export function activeUnits(mu: Float32Array, rows: number, latent: number, threshold = 0.01): { active: number; variances: number[] } {
  const variances: number[] = [];
  for (let k = 0; k < latent; k++) {
    let s = 0, s2 = 0;
    for (let r = 0; r < rows; r++) {
      const v = mu[r * latent + k];
      s += v;
      s2 += v * v;
    }
    const m = rows ? s / rows : 0;
    variances.push(rows > 1 ? (s2 - rows * m * m) / (rows - 1) : 0);
  }
  return { active: variances.filter((v) => v > threshold).length, variances };
}

/**
 * Internal diversity IntDiv_p (MOSES): 1 − (mean over pairs of distinct molecules of Tanimoto^p)^(1/p), all pairs
 * when there are few, else `maxPairs` pairs drawn with a seeded generator (pick(n) returns an index in [0, n)).
 * p = 1 (the default) is 1 − mean Tanimoto.
 */
export function internalDiversity(n: number, similarity: (i: number, j: number) => number, pick: (n: number) => number, maxPairs = 200_000, p: 1 | 2 = 1): number {
  if (n < 2) return NaN;
  const allPairs = (n * (n - 1)) / 2;
  let sum = 0, count = 0;
  if (allPairs <= maxPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      sum += similarity(i, j) ** p;
      count++;
    }
  } else {
    while (count < maxPairs) {
      const i = pick(n), j = pick(n);
      if (i === j) continue;
      sum += similarity(i, j) ** p;
      count++;
    }
  }
  return 1 - (sum / count) ** (1 / p);
}
