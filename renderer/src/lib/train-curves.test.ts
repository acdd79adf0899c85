import { describe, expect, it } from 'vitest';
import type { TrainCurvePoint } from '../../../main/api/contract.ts';
import { beforeAfter, bytes, curveColumns, latest, lossOf, shortSha } from './train-curves.ts';

const point = (step: number, train: Record<string, number>, valid: Record<string, number> | null = null, exact: number | null = null): TrainCurvePoint => ({
  step,
  epoch: 0,
  seconds: step,
  train,
  valid,
  holdout: exact === null ? null : { molecules: 100, exact, valid: 0.9 },
});

describe('curveColumns', () => {
  it('gives one column per curve against the step, the held-out share in percent and gaps as null', () => {
    const c = curveColumns([point(10, { loss: 2, ce: 1.5 }, { ce: 1.7 }), point(20, { loss: 1.5, ce: 1.1 }, null, 0.42)]);
    expect(c).toEqual({ step: [10, 20], train: [1.5, 1.1], valid: [1.7, null], exact: [null, 42] });
  });

  it('keeps steps rising when a resumed run repeats steps after its checkpoint (the later point wins)', () => {
    const c = curveColumns([point(10, { ce: 3 }), point(20, { ce: 2 }), point(30, { ce: 1.9 }), point(20, { ce: 1.8 }), point(30, { ce: 1.6 })]);
    expect(c.step).toEqual([10, 20, 30]);
    expect(c.train).toEqual([3, 1.8, 1.6]);
  });

  it("starts the held-out curve at step 0 with the base model's figures", () => {
    const c = curveColumns([point(10, { ce: 2 }, null, 0.3)], { molecules: 100, exact: 0.04, valid: 0.9 });
    expect(c).toEqual({ step: [0, 10], train: [null, 2], valid: [null, null], exact: [4, 30] });
    expect(curveColumns([], { molecules: 100, exact: 0.04, valid: 0.9 }).step).toEqual([]);
  });

  it('uses the total loss when there is no cross-entropy, and null for nothing usable', () => {
    expect(lossOf({ loss: 2.5 })).toBe(2.5);
    expect(lossOf({ ce: Number.NaN, loss: 1 })).toBe(1);
    expect(lossOf({ kl: 0.1 })).toBeNull();
    expect(lossOf(null)).toBeNull();
  });

  it('says the latest value of each curve, looking past gaps', () => {
    const c = curveColumns([point(10, { ce: 2 }, { ce: 2.2 }, 0.1), point(20, { ce: 1.5 })]);
    expect(latest(c)).toEqual({ step: 20, train: 1.5, valid: 2.2, exact: 10 });
    expect(latest(curveColumns([]))).toEqual({ step: null, train: null, valid: null, exact: null });
  });
});

describe('figures', () => {
  it('reads before → after with the change in points, or what is known', () => {
    expect(beforeAfter(0.04, 0.632)).toBe('4.0 % → 63.2 % (+59.2 points)');
    expect(beforeAfter(0.8, 0.75)).toBe('80.0 % → 75.0 % (−5.0 points)');
    expect(beforeAfter(null, 0.5)).toBe('50.0 %');
    expect(beforeAfter(0.2, null)).toBe('20.0 % before');
    expect(beforeAfter(undefined, undefined)).toBe('–');
  });

  it('sizes and hashes read short', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(23_400_000)).toBe('22 MB');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(shortSha('0123456789abcdef0123')).toBe('0123456789ab…');
  });
});
