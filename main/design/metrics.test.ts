// The metric definitions on inputs whose answers follow from the definitions themselves.
import { describe, expect, it } from 'vitest';
import { activeUnits, internalDiversity, novelty, rSquared, uniqueness, validity, wasserstein1 } from './metrics.ts';

describe('metrics', () => {
  it('validity, uniqueness and novelty count as MOSES does', () => {
    const c = ['CCO', 'CCO', null, 'c1ccccc1'];
    expect(validity(c)).toBe(3 / 4);
    expect(uniqueness(c)).toBe(2 / 3);
    expect(novelty(c, new Set(['CCO']))).toBe(1 / 2);
    expect(validity([])).toBe(0);
  });

  it('Wasserstein-1 is 0 for equal samples, the shift for shifted ones, and symmetric', () => {
    const a = [0.3, 1.7, 2.2, 5, 5, 8.1];
    expect(wasserstein1(a, [...a].reverse())).toBeCloseTo(0, 12);
    expect(wasserstein1(a, a.map((x) => x + 2.5))).toBeCloseTo(2.5, 12);
    const b = [1, 4, 4.5];
    expect(wasserstein1(a, b)).toBeCloseTo(wasserstein1(b, a), 12);
    // two point masses: the distance between them
    expect(wasserstein1([1], [4])).toBeCloseTo(3, 12);
  });

  it('R² is 1 for perfect predictions and 0 for predicting the mean', () => {
    const t = [1, 2, 3, 4];
    expect(rSquared(t, t)).toBe(1);
    expect(rSquared(t, [2.5, 2.5, 2.5, 2.5])).toBe(0);
  });

  it('active units are the dimensions whose mean varies by more than the threshold', () => {
    // 3 rows × 2 dims: dim 0 varies (variance 1), dim 1 is constant
    const mu = Float32Array.from([0, 5, 1, 5, 2, 5]);
    const r = activeUnits(mu, 3, 2);
    expect(r.active).toBe(1);
    expect(r.variances[0]).toBeCloseTo(1, 6);
    expect(r.variances[1]).toBeCloseTo(0, 6);
  });

  it('internal diversity is 1 − mean pairwise similarity, exactly or on sampled pairs', () => {
    const sim = (i: number, j: number) => (i + j) % 2 === 0 ? 1 : 0;
    // 4 items: pairs (0,2), (1,3) similar; 4 others not → mean 2/6
    expect(internalDiversity(4, sim, () => 0)).toBeCloseTo(1 - 2 / 6, 12);
    let s = 1;
    const pick = (n: number) => (s = (s * 48271) % 2147483647) % n;
    expect(internalDiversity(400, () => 0.25, pick, 1000)).toBeCloseTo(0.75, 12);
  });
});
