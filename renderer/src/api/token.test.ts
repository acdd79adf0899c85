import { describe, expect, it } from 'vitest';
import { readToken, withoutToken } from './token.ts';

describe('readToken', () => {
  it('takes the token from the address and remembers it for the tab', () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    expect(readToken({ search: '?token=abc-DEF_123' }, store)).toBe('abc-DEF_123');
    expect(readToken({ search: '' }, store)).toBe('abc-DEF_123');
  });

  it('has nothing when neither the address nor the tab has one', () => {
    expect(readToken({ search: '?other=1' }, { getItem: () => null, setItem: () => {} })).toBeNull();
  });

  it('drops only the token from the address', () => {
    expect(withoutToken({ pathname: '/', search: '?token=abc', hash: '' })).toBe('/');
    expect(withoutToken({ pathname: '/index.html', search: '?a=1&token=abc&b=2', hash: '#x' })).toBe('/index.html?a=1&b=2#x');
  });
});
