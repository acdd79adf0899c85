import { describe, expect, it } from 'vitest';
import { userValue } from './columns.ts';

describe('userValue', () => {
  it('writes file values as read: whole numbers as they are, others to 2 decimals', () => {
    expect(userValue(8)).toBe('8');
    expect(userValue(7.23456)).toBe('7.23');
    expect(userValue('active')).toBe('active');
    expect(userValue(true)).toBe('yes');
    expect(userValue(null)).toBe('');
    expect(userValue(undefined)).toBe('');
  });
});
