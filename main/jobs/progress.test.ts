import { describe, expect, it } from 'vitest';
import { ProgressMeter, Throttle } from './progress.ts';

describe('ProgressMeter', () => {
  it('has no rate until two samples are far enough apart, then items per second over the window', () => {
    const m = new ProgressMeter(5000);
    m.add(0, 0);
    expect(m.rate()).toBeNull();
    m.add(100, 100);
    expect(m.rate()).toBeNull();
    m.add(1000, 1000);
    expect(m.rate()).toBeCloseTo(1000);
    expect(m.eta(1000, 5000)).toBeCloseTo(4);
    expect(m.eta(1000, null)).toBeNull();
  });

  it('forgets samples older than the window, so the rate follows a change of pace', () => {
    const m = new ProgressMeter(1000);
    m.add(0, 0);
    m.add(100, 1000); // 100/s at first
    m.add(1100, 2000); // then 1000/s
    m.add(2100, 3000);
    expect(m.rate()).toBeCloseTo(1000);
  });
});

describe('Throttle', () => {
  it('fires the first value at once, holds later ones, and never loses the last', async () => {
    const fired: number[] = [];
    const t = new Throttle<number>(50, (v) => fired.push(v));
    t.push(1);
    t.push(2);
    t.push(3);
    expect(fired).toEqual([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toEqual([1, 3]);
    t.push(4);
    t.flush();
    expect(fired).toEqual([1, 3, 4]);
    t.push(5);
    t.cancel();
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toEqual([1, 3, 4]);
  });
});
