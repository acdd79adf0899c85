import { describe, expect, it } from 'vitest';
import { DEFAULT_PROPERTIES } from '../components/columns.ts';
import { ColumnChoice } from './column-choice.svelte.ts';

/** A real Storage (jsdom's localStorage), emptied for each test. */
function storage() {
  localStorage.clear();
  return localStorage;
}

describe('ColumnChoice', () => {
  it('starts with the five basics', () => {
    expect(new ColumnChoice(storage()).visible).toEqual(DEFAULT_PROPERTIES);
  });

  it('toggles a property on and off, and remembers the choice for the next window', () => {
    const store = storage();
    const choice = new ColumnChoice(store);
    choice.toggle('qed');
    choice.toggle('hbd');
    expect(choice.isVisible('qed')).toBe(true);
    expect(choice.isVisible('hbd')).toBe(false);
    expect(new ColumnChoice(store).visible).toEqual(choice.visible);
    choice.reset();
    expect(new ColumnChoice(store).visible).toEqual(DEFAULT_PROPERTIES);
  });

  it('ignores unknown names and unreadable storage', () => {
    const store = storage();
    const choice = new ColumnChoice(store);
    choice.toggle('not_a_property');
    expect(choice.visible).toEqual(DEFAULT_PROPERTIES);
    store.setItem('molscape.visibleProperties', '{broken');
    expect(new ColumnChoice(store).visible).toEqual(DEFAULT_PROPERTIES);
    store.setItem('molscape.visibleProperties', JSON.stringify(['sa', 'gone_now']));
    expect(new ColumnChoice(store).visible).toEqual(['sa']);
  });
});
