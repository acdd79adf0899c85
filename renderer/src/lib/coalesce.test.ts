import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.ts';

describe('coalesce', () => {
  it('runs once, then once more for everything asked meanwhile', async () => {
    let runs = 0;
    let release!: () => void;
    const refresh = coalesce(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = refresh();
    void refresh();
    void refresh();
    expect(runs).toBe(1);
    release();
    await first;
    expect(runs).toBe(2);
    await refresh();
    expect(runs).toBe(3);
  });
});
