import { describe, expect, it } from 'vitest';
import { clamp, digitsFor, parseBound, stepFor } from './range.ts';

describe('range helpers', () => {
  it('picks 1 for integer properties whatever the spread', () => {
    expect(stepFor(0, 3, true)).toBe(1);
    expect(stepFor(0, 3000, true)).toBe(1);
  });

  it('picks a round step giving about 200 positions', () => {
    const step = stepFor(-2.5, 7.9, false);
    expect([0.01, 0.02, 0.05, 0.1]).toContain(Number(step.toPrecision(6)));
    const positions = (7.9 - -2.5) / step;
    expect(positions).toBeGreaterThanOrEqual(100);
    expect(positions).toBeLessThanOrEqual(1040);
    expect(stepFor(100, 900, false)).toBe(5);
  });

  it('falls back to 0.01 when every value is the same', () => {
    expect(stepFor(3, 3, false)).toBe(0.01);
  });

  it('shows as many digits as the step needs', () => {
    expect(digitsFor(1)).toBe(0);
    expect(digitsFor(5)).toBe(0);
    expect(digitsFor(0.05)).toBe(2);
    expect(digitsFor(0.1)).toBe(1);
    expect(digitsFor(0.002)).toBe(3);
  });

  it('clamps and parses typed bounds', () => {
    expect(clamp(12, 0, 10)).toBe(10);
    expect(clamp(-1, 0, 10)).toBe(0);
    expect(parseBound(' 2.5 ')).toBe(2.5);
    expect(parseBound('')).toBeNull();
    expect(parseBound('abc')).toBeNull();
  });
});
