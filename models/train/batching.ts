// Length bucketing: each example goes to the smallest bucket that holds it, so a batch is padded to its bucket's
// length rather than to the longest example overall; a train step is compiled once per bucket length. Batches
// of an epoch are planned deterministically from a seed, so a resumed run replays exactly the same batches.
import { Rng } from '../graph/rng.ts';

export interface Batch {
  /** Bucket length (what the batch is padded to). */
  length: number;
  /** Indices into the epoch's examples; always exactly batchSize (a bucket's last batch wraps around). */
  indices: number[];
}

export interface BucketReport {
  /** Examples too long for the largest bucket, left out: index and length. */
  skipped: { index: number; length: number }[];
}

export function bucketOf(length: number, buckets: readonly number[]): number | null {
  for (const b of buckets) if (length <= b) return b;
  return null;
}

/** The batches of one epoch, shuffled within buckets and then across buckets. */
export function planEpoch(lengths: readonly number[], buckets: readonly number[], batchSize: number, seed: number): { batches: Batch[]; report: BucketReport } {
  const sorted = [...buckets].sort((a, b) => a - b);
  const groups = new Map<number, number[]>(sorted.map((b) => [b, []]));
  const skipped: BucketReport['skipped'] = [];
  lengths.forEach((len, i) => {
    const b = bucketOf(len, sorted);
    if (b === null) skipped.push({ index: i, length: len });
    else groups.get(b)!.push(i);
  });
  const rng = new Rng(seed);
  const batches: Batch[] = [];
  for (const [length, idx] of groups) {
    if (idx.length === 0) continue;
    rng.shuffle(idx);
    for (let s = 0; s < idx.length; s += batchSize) {
      const indices = idx.slice(s, s + batchSize);
      for (let k = 0; indices.length < batchSize; k++) indices.push(idx[k % idx.length]);
      batches.push({ length, indices });
    }
  }
  rng.shuffle(batches);
  return { batches, report: { skipped } };
}
