// MaxMin picking on real Morgan fingerprints (RDKit), on 800 molecules of the golden set: reproducible, each
// pick the farthest from the earlier ones, more diverse than random picks, and leaning toward the weighted
// property when asked.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from './rdkit.ts';
import { FP_WORDS, morganFingerprintOf, tanimoto } from './fingerprint.ts';
import { maxMinPick, meanPairwiseTanimoto, rankWeights, seededRandom } from './diversity.ts';
import { goldenRows, type GoldenRow } from './test-data.ts';

let rows: GoldenRow[] = [];
let fps: Uint32Array;

beforeAll(async () => {
  await loadRDKit();
  rows = goldenRows().slice(0, 800);
  fps = new Uint32Array(rows.length * FP_WORDS);
  rows.forEach((r, i) => fps.set(morganFingerprintOf(r.smiles)!, i * FP_WORDS));
});

const fp = (i: number) => fps.subarray(i * FP_WORDS, (i + 1) * FP_WORDS);

describe('maxMinPick', () => {
  it('gives the same picks for the same seed, and another first pick for another seed', () => {
    const a = maxMinPick(fps, { count: 30, seed: 7 });
    const b = maxMinPick(fps, { count: 30, seed: 7 });
    const c = maxMinPick(fps, { count: 30, seed: 8 });
    expect(a).toHaveLength(30);
    expect(new Set(a).size).toBe(30);
    expect(b).toEqual(a);
    expect(c[0]).not.toBe(a[0]);
  });

  it('picks, each time, the molecule farthest from everything picked before', () => {
    const picks = maxMinPick(fps, { count: 12, seed: 3 });
    for (let k = 1; k < picks.length; k++) {
      const distanceToPicks = (i: number) => Math.min(...picks.slice(0, k).map((p) => 1 - tanimoto(fp(i), fp(p))));
      const chosen = distanceToPicks(picks[k]);
      let farthest = 0;
      for (let i = 0; i < rows.length; i++) if (!picks.slice(0, k).includes(i)) farthest = Math.max(farthest, distanceToPicks(i));
      expect(chosen).toBeCloseTo(farthest, 12);
    }
  });

  it('is more diverse than random picks of the same size (lower mean pairwise Tanimoto)', () => {
    const picked = meanPairwiseTanimoto(fps, maxMinPick(fps, { count: 40, seed: 1 }));
    const random = seededRandom(99);
    const randomMeans = Array.from({ length: 20 }, () => {
      const order = [...rows.keys()].sort(() => random() - 0.5).slice(0, 40);
      return meanPairwiseTanimoto(fps, order);
    });
    // every random draw, not just their average, is less diverse
    expect(picked).toBeLessThan(Math.min(...randomMeans));
  });

  it('leans toward the better molecules when weighted by a property, and stays diverse', () => {
    const qed = rows.map((r) => r.qed);
    const weights = rankWeights(qed, 'max');
    const plain = maxMinPick(fps, { count: 40, seed: 1 });
    const weighted = maxMinPick(fps, { count: 40, seed: 1, weights });
    const meanQed = (ps: number[]) => ps.reduce((s, i) => s + qed[i], 0) / ps.length;
    expect(weighted[0]).toBe(qed.indexOf(Math.max(...qed)));
    expect(meanQed(weighted)).toBeGreaterThan(meanQed(plain) + 0.05);
    const random = seededRandom(5);
    const randomMean = meanPairwiseTanimoto(fps, [...rows.keys()].sort(() => random() - 0.5).slice(0, 40));
    expect(meanPairwiseTanimoto(fps, weighted)).toBeLessThan(randomMean);
  });

  it('asks for more than there are: every molecule once; none: nothing', () => {
    const small = fps.slice(0, 5 * FP_WORDS);
    expect([...maxMinPick(small, { count: 9 })].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(maxMinPick(small, { count: 0 })).toEqual([]);
    expect(maxMinPick(new Uint32Array(0), { count: 3 })).toEqual([]);
  });
});

describe('rankWeights', () => {
  it('ranks values to [0, 1] toward the chosen end; missing values weigh 0', () => {
    expect([...rankWeights([3, null, 1, 2], 'max')]).toEqual([1, 0, 0, 0.5]);
    expect([...rankWeights([3, null, 1, 2], 'min')]).toEqual([0, 0, 1, 0.5]);
  });
});
