// Length bucketing and learning-rate schedules.
import { describe, expect, it } from 'vitest';
import { bucketOf, planEpoch } from './batching.ts';
import { schedule } from './schedule.ts';

describe('planEpoch', () => {
  const lengths = [5, 12, 7, 30, 9, 11, 3, 25, 18, 40, 8, 14];
  it('puts each example in the smallest bucket that holds it, full batches only, all examples used', () => {
    const { batches, report } = planEpoch(lengths, [20, 10, 32], 4, 1);
    expect(report.skipped).toEqual([{ index: 9, length: 40 }]);
    for (const b of batches) {
      expect(b.indices).toHaveLength(4);
      for (const i of b.indices) expect(bucketOf(lengths[i], [10, 20, 32])).toBe(b.length);
    }
    const used = new Set(batches.flatMap((b) => b.indices));
    expect([...used].sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i).filter((i) => i !== 9));
  });

  it('is the same for the same seed and differs for another', () => {
    const a = planEpoch(lengths, [10, 20, 32], 2, 5).batches;
    expect(planEpoch(lengths, [10, 20, 32], 2, 5).batches).toEqual(a);
    expect(planEpoch(lengths, [10, 20, 32], 2, 6).batches).not.toEqual(a);
  });
});

describe('schedule', () => {
  it('warms up linearly, then holds, decays by cosine to the minimum, or exponentially', () => {
    const c = schedule({ base: 1, warmup: 4 });
    expect([1, 2, 4, 5, 100].map(c)).toEqual([0.25, 0.5, 1, 1, 1]);
    const cos = schedule({ base: 1, decay: 'cosine', total: 11, warmup: 1, min: 0.1 });
    expect(cos(1)).toBe(1);
    expect(cos(6)).toBeCloseTo(0.55, 10);
    expect(cos(11)).toBeCloseTo(0.1, 10);
    expect(cos(50)).toBeCloseTo(0.1, 10);
    const ex = schedule({ base: 1, decay: 'exponential', gamma: 0.5, min: 0.2 });
    expect([0, 1, 2, 5].map(ex)).toEqual([1, 0.5, 0.25, 0.2]);
  });
});
