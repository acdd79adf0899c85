// The active model's confidence beyond the table (issue 13, item 3): the scatter plot's column pickers and the
// shortlist's "lean toward" list offer model fit and held exactly, under the active model's name, once that model
// has encoded some of the collection (the core's statistics say so), not before and not after another model
// becomes active; a plot of fit asks the core for it and counts the molecules that have it; a shortlist leaning
// toward fit asks for the low end by default (lower is a better fit), toward held for the held ones.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import { ColumnChoice } from '../state/column-choice.svelte.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import CollectionView from './CollectionView.svelte';

withLayout(1600, 800);
cleanupAfterEach();

// jsdom has no ResizeObserver (the scatter measures its box with one); nothing resizes here, so none is needed.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const GROUP = 'Active model · zinc250k';

function open() {
  const core = new MemoryCore();
  const c = core.addCollection(12, { name: 'series' });
  const rows = core.molecules.get(c.id)!;
  const client = createClient(core);
  localStorage.clear();
  const view = render(CollectionView, {
    props: { client, collection: c, depictions: new DepictionCache(client, 150, 96), columnChoice: new ColumnChoice(localStorage, c.id), activeModel: 'zinc250k' },
  });
  /** the model encodes the first eight; the sixth before scores were kept (no values) */
  const encode = () => rows.slice(0, 8).forEach((r, i) => (r.confidence = i === 5 ? { fit: null, held: null } : { fit: 0.3 + i * 0.0617, held: i % 3 !== 1 }));
  return { core, c, rows, view, client, encode };
}

const groupOf = (select: HTMLElement) => select.querySelector<HTMLOptGroupElement>('optgroup');
const optionTexts = (el: HTMLElement) => [...el.querySelectorAll('option')].map((o) => o.textContent!.trim());

describe("the active model's confidence in plots and shortlists", () => {
  it('is offered by the scatter plot under the model once encoded, plotted from the core, and dropped when another model is active', async () => {
    const { core, c, rows, view, client, encode } = open();
    await screen.findAllByRole('row');
    await fireEvent.click(screen.getByRole('button', { name: 'Plot' }));
    const x = await screen.findByRole('combobox', { name: 'x axis' });
    await waitFor(() => expect(core.calls('collections.columnValues').length).toBeGreaterThan(0));
    // not encoded: properties only
    expect(groupOf(x)).toBeNull();
    expect(optionTexts(x)).not.toContain('Model fit (−ELBO/token)');

    // encoded (Design → Encode), the panel opened again: the model's group in x, y and colour
    encode();
    await fireEvent.click(screen.getByRole('button', { name: 'Close the plot' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Plot' }));
    const x2 = await screen.findByRole('combobox', { name: 'x axis' });
    await waitFor(() => expect(groupOf(x2)?.label).toBe(GROUP));
    expect(optionTexts(groupOf(x2)!)).toEqual(['Model fit (−ELBO/token)', 'Held exactly']);
    for (const name of ['y axis', 'colour by']) expect(groupOf(screen.getByRole('combobox', { name }))?.label).toBe(GROUP);

    // fit against cLogP coloured by held: the core is asked for those keys; the seven scored molecules are drawn
    await fireEvent.change(x2, { target: { value: 'model:fit' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'colour by' }), { target: { value: 'model:held' } });
    await waitFor(() => expect(core.calls('collections.columnValues').at(-1)!.args).toMatchObject({ collectionId: c.id, keys: ['model:fit', 'clogp', 'model:held'] }));
    const scored = rows.filter((r) => typeof r.confidence?.fit === 'number').length;
    expect(scored).toBe(7);
    await waitFor(() => expect(screen.getByTestId('scatter-count').textContent).toBe(`${scored} molecules (${rows.length - scored} without both values)`));
    expect(screen.getByTestId('scatter-model-note').textContent).toMatch(/zinc250k's \(the active model\).*lower is better/);
    // the colour legend says held as the table does
    await waitFor(() => expect(screen.getByTestId('scatter-legend').textContent).toMatch(/Held exactly no – yes/));

    // another model, which has encoded nothing here: the model's columns go, the plot returns to properties
    rows.forEach((r) => delete r.confidence);
    core.models = [...core.models, { ...core.models[0], name: 'zinc-chembl', active: true }];
    await view.rerender({ client, collection: c, activeModel: 'zinc-chembl' });
    await waitFor(() => expect(groupOf(screen.getByRole('combobox', { name: 'x axis' }))).toBeNull());
    expect((screen.getByRole('combobox', { name: 'x axis' }) as HTMLSelectElement).value).toBe('mol_wt');
    expect((screen.getByRole('combobox', { name: 'colour by' }) as HTMLSelectElement).value).toBe('');
    await waitFor(() => expect(core.calls('collections.columnValues').at(-1)!.args).toMatchObject({ keys: ['mol_wt', 'clogp'] }));
    expect(screen.queryByTestId('scatter-model-note')).toBeNull();
  });

  it("is offered by the shortlist's lean toward once encoded: fit toward the low end, held toward held, sent to the core", async () => {
    const { core, c, encode } = open();
    await screen.findAllByRole('row');
    await fireEvent.click(screen.getByRole('button', { name: 'Shortlist…' }));
    const lean = await screen.findByRole('combobox', { name: 'Lean toward' });
    await waitFor(() => expect(core.calls('collections.propertyStats').length).toBeGreaterThan(0));
    expect(groupOf(lean)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));

    encode();
    await fireEvent.click(screen.getByRole('button', { name: 'Shortlist…' }));
    const lean2 = await screen.findByRole('combobox', { name: 'Lean toward' });
    await waitFor(() => expect(groupOf(lean2)?.label).toBe(GROUP));
    expect(optionTexts(groupOf(lean2)!)).toEqual(['model fit (lower = better fit)', 'held exactly']);

    // held: the held ones are better
    await fireEvent.change(lean2, { target: { value: 'model:held' } });
    const direction = () => screen.getByRole('combobox', { name: 'Which end is better' }) as HTMLSelectElement;
    expect(direction().value).toBe('max');
    expect(direction().selectedOptions[0].textContent).toBe('held is better');
    // fit: lower is better
    await fireEvent.change(lean2, { target: { value: 'model:fit' } });
    expect(direction().value).toBe('min');
    expect(direction().selectedOptions[0].textContent).toBe('low is better (better fit)');
    expect(screen.getByTestId('shortlist-model-note').textContent).toMatch(/Model fit is zinc250k's \(the active model\)/);

    await fireEvent.input(screen.getByRole('spinbutton', { name: 'How many' }), { target: { value: '3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pick and keep' }));
    await waitFor(() => expect(screen.getByTestId('shortlist-done').textContent).toMatch(/Kept 3 of 12 molecules/));
    expect(core.calls('candidates.shortlist').at(-1)!.args).toMatchObject({ collectionId: c.id, count: 3, weightBy: { key: 'model:fit', direction: 'min' } });
  });
});
