import { describe, expect, it } from 'vitest';
import { Selection } from './selection.svelte.ts';

/** Display rows 0..n-1 hold molecules 100, 101, …: the ids a range of rows stands for. */
const idsBetween = async (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => 100 + a + i);

describe('Selection', () => {
  it('picks one row on a click, adds and removes with Ctrl/Cmd, and a range with Shift', async () => {
    const s = new Selection(1);
    await s.pick(2, 102, {}, idsBetween);
    expect(s.ids).toEqual([102]);
    await s.pick(5, 105, { toggle: true }, idsBetween);
    expect(s.ids).toEqual([102, 105]);
    await s.pick(2, 102, { toggle: true }, idsBetween);
    expect(s.ids).toEqual([105]);
    // the anchor is the last row clicked without shift (row 2, even though Ctrl took it out again)
    await s.pick(4, 104, { shift: true }, idsBetween);
    expect(s.ids).toEqual([102, 103, 104]);
    // shift upwards from the same anchor replaces the range
    await s.pick(0, 100, { shift: true }, idsBetween);
    expect(s.ids).toEqual([100, 101, 102]);
    // Ctrl+Shift adds the range to what is picked
    await s.pick(9, 109, { toggle: true }, idsBetween);
    await s.pick(11, 111, { shift: true, toggle: true }, idsBetween);
    expect(s.ids).toEqual([100, 101, 102, 109, 110, 111]);
    expect(s.has(110)).toBe(true);
    expect(s.has(103)).toBe(false);
    expect(s.source).toBe('table');
  });

  it('takes ids from elsewhere (a brush, select all) without repeats, and clears', () => {
    const s = new Selection(1);
    s.replace([3, 1, 3, 2], 'scatter');
    expect(s.ids).toEqual([3, 1, 2]);
    expect(s.size).toBe(3);
    expect(s.source).toBe('scatter');
    s.add([2, 7]);
    expect(s.ids).toEqual([3, 1, 2, 7]);
    s.remove([1]);
    expect(s.ids).toEqual([3, 2, 7]);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.source).toBeNull();
    expect(s.anchor).toBeNull();
  });
});
