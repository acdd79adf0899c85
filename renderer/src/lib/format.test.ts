import { describe, expect, it } from 'vitest';
import { count, decimal, duration, integer, percent, rate } from './format.ts';

describe('format', () => {
  it('writes property values with fixed decimals and blanks for missing ones', () => {
    expect(decimal(180.15859)).toBe('180.16');
    expect(decimal(-0.005, 2)).toBe('-0.01');
    expect(decimal(null)).toBe('');
    expect(decimal(Number.NaN)).toBe('');
    expect(integer(3)).toBe('3');
    expect(integer(null)).toBe('');
  });

  it('writes counts, rates and times left for people', () => {
    expect(count(250000)).toBe('250,000');
    expect(rate(4321.6)).toBe('4,322 molecules/s');
    expect(rate(null)).toBe('');
    expect(duration(42.4)).toBe('42 s');
    expect(duration(125)).toBe('2 min 05 s');
    expect(duration(7260)).toBe('2 h 01 min');
    expect(percent(50, 200)).toBe(25);
    expect(percent(5, null)).toBeNull();
    expect(percent(300, 200)).toBe(100);
  });
});
