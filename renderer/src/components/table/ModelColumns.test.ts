// The active model's confidence as table columns (issue 13, item 3), against the in-memory core: chosen in the
// Columns menu (off by default, kept per collection), headers that say what the number is and which way is
// better, cells written to the column's digits or yes / no and a dash that says "not encoded yet", a header click
// that asks the core to sort by the key, the detail panel's Model section, and export asking for the columns shown.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../../main/api/client.ts';
import { DepictionCache } from '../../state/depictions.svelte.ts';
import { ColumnChoice } from '../../state/column-choice.svelte.ts';
import { MemoryCore } from '../../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../../test-support/layout.ts';
import CollectionView from '../CollectionView.svelte';

withLayout(1600, 800);
cleanupAfterEach();

const FIT = 'model fit (−ELBO/token)';
const HELD = 'held exactly';
const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex'));
const headerTexts = () => screen.getAllByRole('columnheader').map((h) => h.textContent!.replace(/[▲▼]/g, '').trim());
const cellOf = (row: number, header: string) => within(bodyRows()[row]).getAllByRole('cell')[headerTexts().indexOf(header)];

function open() {
  const core = new MemoryCore();
  const c = core.addCollection(12, { name: 'series' });
  const rows = core.molecules.get(c.id)!;
  // the model encoded the first eight; the sixth before scores were kept
  rows.slice(0, 8).forEach((r, i) => (r.confidence = i === 5 ? { fit: null, held: null } : { fit: 0.3 + i * 0.0617, held: i % 3 !== 1 }));
  const client = createClient(core);
  localStorage.clear();
  const choice = new ColumnChoice(localStorage, c.id);
  render(CollectionView, { props: { client, collection: c, depictions: new DepictionCache(client, 150, 96), columnChoice: choice, activeModel: 'zinc250k' } });
  return { core, c, rows, choice };
}

async function showModelColumns() {
  await fireEvent.click(screen.getByText('Columns'));
  const group = screen.getByRole('group', { name: 'Model columns' });
  await fireEvent.click(within(group).getByRole('checkbox', { name: FIT }));
  await fireEvent.click(within(group).getByRole('checkbox', { name: HELD }));
}

describe("the active model's confidence in the table", () => {
  it('is chosen in the Columns menu: headers with what they mean, cells to their digits, a dash where not encoded', async () => {
    const { c, rows, choice } = open();
    await waitFor(() => expect(bodyRows().length).toBe(12));
    // off by default: the set is empty until the collection is encoded
    expect(headerTexts()).not.toContain(FIT);
    expect(screen.getByText(/Model · zinc250k/)).toBeTruthy();
    await showModelColumns();
    expect(headerTexts()).toEqual(expect.arrayContaining([FIT, HELD]));
    // after the computed properties
    expect(headerTexts().indexOf(FIT)).toBeGreaterThan(headerTexts().indexOf('QED'));
    const fitHeader = screen.getAllByRole('columnheader')[headerTexts().indexOf(FIT)];
    expect(fitHeader.title).toMatch(/lower is better/);
    expect(fitHeader.title).toMatch(/zinc250k/);

    expect(cellOf(0, FIT).textContent!.trim()).toBe((0.3).toFixed(3));
    expect(cellOf(2, FIT).textContent!.trim()).toBe((0.3 + 2 * 0.0617).toFixed(3));
    expect(cellOf(0, HELD).textContent!.trim()).toBe('yes');
    expect(cellOf(1, HELD).textContent!.trim()).toBe('no');
    // not scored yet, and not encoded: a dash that says so
    for (const i of [5, 10]) {
      expect(cellOf(i, FIT).textContent!.trim()).toBe('—');
      expect(cellOf(i, FIT).querySelector('.missing')!.getAttribute('title')).toMatch(/Not encoded with zinc250k yet/);
      expect(cellOf(i, HELD).textContent!.trim()).toBe('—');
    }
    expect(rows[10].confidence).toBeUndefined();

    // kept with the collection's other choices
    expect(JSON.parse(localStorage.getItem(`molscape.columns.${c.id}`)!).visible).toEqual(expect.arrayContaining(['model:fit', 'model:held']));
    expect(new ColumnChoice(localStorage, c.id).isVisible('model:fit')).toBe(true);
    expect(choice.isVisible('model:held')).toBe(true);
  });

  it('sorts by the core, opens in the detail panel and exports the columns shown', async () => {
    const { core } = open();
    await waitFor(() => expect(bodyRows().length).toBe(12));
    await showModelColumns();

    await fireEvent.click(within(screen.getAllByRole('columnheader')[headerTexts().indexOf(FIT)]).getByRole('button'));
    await waitFor(() => expect(core.calls('collections.molecules').at(-1)!.args).toMatchObject({ sort: { key: 'model:fit', descending: false } }));
    await fireEvent.click(within(screen.getAllByRole('columnheader')[headerTexts().indexOf(FIT)]).getByRole('button'));
    await waitFor(() => expect(core.calls('collections.molecules').at(-1)!.args).toMatchObject({ sort: { key: 'model:fit', descending: true } }));
    expect(screen.getAllByRole('columnheader')[headerTexts().indexOf(FIT)].getAttribute('aria-sort')).toBe('descending');

    // the detail panel: the row's values, or that it is not encoded yet
    const byName = (name: string) => bodyRows().find((r) => r.textContent!.includes(name))!;
    await fireEvent.dblClick(byName('mol-000003'));
    const model = await screen.findByTestId('detail-model');
    expect(model.textContent).toMatch(/Model · zinc250k/);
    expect(model.textContent).toContain((0.3 + 2 * 0.0617).toFixed(3));
    expect(model.textContent).toMatch(/lower is better/);
    expect(within(model).getByText('yes')).toBeTruthy();
    await fireEvent.dblClick(byName('mol-000011'));
    await waitFor(() => expect(screen.getByTestId('detail-model').textContent).toMatch(/Not encoded with zinc250k yet/));

    // export: the model columns the table shows go with the file
    URL.createObjectURL = vi.fn(() => 'blob:test/1');
    URL.revokeObjectURL = vi.fn();
    await fireEvent.click(within(screen.getByRole('group', { name: 'Export' })).getByRole('button', { name: 'CSV' }));
    await waitFor(() => expect(core.calls('collections.export')).toHaveLength(1));
    expect(core.calls('collections.export')[0].args).toMatchObject({ format: 'csv', modelColumns: ['model:fit', 'model:held'] });
  });
});
