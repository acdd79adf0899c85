import { describe, expect, it } from 'vitest';
import { DEFAULT_PROPERTIES } from '../components/columns.ts';
import { ColumnChoice } from './column-choice.svelte.ts';

/** A real Storage (jsdom's localStorage), emptied for each test. */
function storage() {
  localStorage.clear();
  return localStorage;
}

describe('ColumnChoice', () => {
  it('starts with the basics and what chemists check first (QED, SA, PAINS), large rows, no SMILES column', () => {
    const choice = new ColumnChoice(storage(), 1);
    expect(choice.visible).toEqual(DEFAULT_PROPERTIES);
    expect(choice.visible).toEqual(expect.arrayContaining(['qed', 'sa', 'pains_count']));
    expect(choice.density).toBe('large');
    expect(choice.smiles).toBe(false);
  });

  it("keeps each collection's choice apart, for the next window", () => {
    const store = storage();
    const one = new ColumnChoice(store, 1);
    one.toggle('exact_mw');
    one.toggle('hbd');
    one.toggleUser('pIC50');
    one.toggleSmiles();
    one.setDensity('compact');
    const again = new ColumnChoice(store, 1);
    expect(again.visible).toEqual(one.visible);
    expect(again.isVisible('exact_mw')).toBe(true);
    expect(again.isVisible('hbd')).toBe(false);
    expect(again.isUserVisible('pIC50')).toBe(false);
    expect(again.smiles).toBe(true);
    expect(again.density).toBe('compact');
    const other = new ColumnChoice(store, 2);
    expect(other.visible).toEqual(DEFAULT_PROPERTIES);
    expect(other.density).toBe('large');
    one.reset();
    expect(new ColumnChoice(store, 1).visible).toEqual(DEFAULT_PROPERTIES);
  });

  it('ignores unknown names and unreadable storage; hides what a list hides by default', () => {
    const store = storage();
    const choice = new ColumnChoice(store, 3);
    choice.toggle('not_a_property');
    expect(choice.visible).toEqual(DEFAULT_PROPERTIES);
    store.setItem('molscape.columns.4', '{broken');
    expect(new ColumnChoice(store, 4).visible).toEqual(DEFAULT_PROPERTIES);
    store.setItem('molscape.columns.5', JSON.stringify({ visible: ['sa', 'gone_now'], density: 'huge' }));
    expect(new ColumnChoice(store, 5).visible).toEqual(['sa']);
    expect(new ColumnChoice(store, 5).density).toBe('large');
    expect(new ColumnChoice(store, 6, { hiddenUser: ['model_sha256'] }).isUserVisible('model_sha256')).toBe(false);
  });
});
