// Picking a diverse subset: MaxMin on Morgan fingerprints (Ashton et al. 2002, as RDKit's MaxMinPicker). The
// first pick is drawn with a seeded generator (or is the best-weighted molecule), then each next pick is the
// molecule farthest (Tanimoto distance) from everything picked so far. Reproducible: the same fingerprints,
// seed and weights give the same picks, ties broken by position. Optionally weighted by a property, so a
// shortlist leans toward better molecules without losing its spread.
import { Rng } from '../../models/graph/rng.ts';
import { FP_WORDS, popcount, popcount32 } from './fingerprint.ts';

export interface MaxMinOptions {
  /** how many to pick (fewer when there are fewer molecules) */
  count: number;
  /** seeds the first pick (ignored when weights are given: the best-weighted molecule comes first) */
  seed?: number;
  /**
   * per molecule, in [0, 1] (1 = most wanted); a molecule's distance counts as distance × (0.25 + 0.75 × weight),
   * so a molecule of the worst weight must be four times as far from the picks as one of the best to win
   */
  weights?: ArrayLike<number>;
}

/** The project's seeded generator (models/graph/rng.ts) as a function: the same seed, the same draws, on every machine. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/**
 * MaxMin picks over `n` fingerprints laid end to end in `fps` (FP_WORDS words each), as positions in pick order.
 * O(n × count) Tanimoto comparisons: each pick updates every molecule's distance to its nearest pick.
 */
export function maxMinPick(fps: Uint32Array, options: MaxMinOptions): number[] {
  const n = Math.floor(fps.length / FP_WORDS);
  const count = Math.max(0, Math.min(n, Math.floor(options.count)));
  if (count === 0) return [];
  const weights = options.weights;
  if (weights && weights.length !== n) throw new Error(`${weights.length} weights for ${n} fingerprints`);
  const factor = new Float64Array(n).fill(1);
  if (weights) for (let i = 0; i < n; i++) factor[i] = 0.25 + 0.75 * Math.min(1, Math.max(0, Number.isFinite(weights[i]) ? weights[i] : 0));
  const bits = new Uint16Array(n);
  for (let i = 0; i < n; i++) bits[i] = popcount(fps, i * FP_WORDS);

  let first = 0;
  if (weights) {
    for (let i = 1; i < n; i++) if (factor[i] > factor[first]) first = i;
  } else {
    first = Math.floor(seededRandom(options.seed ?? 0)() * n);
  }
  const picked = new Uint8Array(n);
  /** each molecule's Tanimoto distance to its nearest pick */
  const nearest = new Float64Array(n).fill(Infinity);
  const picks = [first];
  picked[first] = 1;
  let last = first;
  while (picks.length < count) {
    let best = -1;
    let bestScore = -1;
    const lo = last * FP_WORDS;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      let both = 0;
      const off = i * FP_WORDS;
      for (let w = 0; w < FP_WORDS; w++) both += popcount32(fps[lo + w] & fps[off + w]);
      const either = bits[last] + bits[i] - both;
      const d = either === 0 ? 0 : 1 - both / either;
      if (d < nearest[i]) nearest[i] = d;
      const score = nearest[i] * factor[i];
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    picked[best] = 1;
    picks.push(best);
    last = best;
  }
  return picks;
}

/** Mean pairwise Tanimoto similarity of the given positions (lower is more diverse); 0 for fewer than two. */
export function meanPairwiseTanimoto(fps: Uint32Array, positions: readonly number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < positions.length; a++) {
    const ao = positions[a] * FP_WORDS;
    for (let b = a + 1; b < positions.length; b++) {
      const bo = positions[b] * FP_WORDS;
      let both = 0;
      let either = 0;
      for (let w = 0; w < FP_WORDS; w++) {
        both += popcount32(fps[ao + w] & fps[bo + w]);
        either += popcount32(fps[ao + w] | fps[bo + w]);
      }
      sum += either === 0 ? 0 : both / either;
      pairs++;
    }
  }
  return pairs ? sum / pairs : 0;
}

/**
 * Weights in [0, 1] from a property's values by rank (robust to outliers): the best value 1, the worst 0, a
 * missing value 0. `direction` says which end is best.
 */
export function rankWeights(values: ArrayLike<number | null>, direction: 'max' | 'min'): Float64Array {
  const n = values.length;
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) present.push(i);
  }
  const sign = direction === 'max' ? 1 : -1;
  present.sort((a, b) => sign * ((values[a] as number) - (values[b] as number)) || a - b);
  const out = new Float64Array(n);
  const last = Math.max(1, present.length - 1);
  present.forEach((i, rank) => (out[i] = present.length === 1 ? 1 : rank / last));
  return out;
}
