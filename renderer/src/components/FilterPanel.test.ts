// The filter panel, column chooser and export buttons inside a collection view, against the in-memory core.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import { ColumnChoice } from '../state/column-choice.svelte.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import CollectionView from './CollectionView.svelte';

withLayout(1400, 800);
cleanupAfterEach();

function open(n = 300) {
  const core = new MemoryCore();
  const c = core.addCollection(n, { name: 'series' });
  const client = createClient(core);
  const opened: number[] = [];
  localStorage.clear();
  render(CollectionView, {
    props: { client, collection: c, depictions: new DepictionCache(client, 150, 96), columnChoice: new ColumnChoice(localStorage), onOpen: (id: number) => opened.push(id) },
  });
  return { core, c, opened, rows: core.molecules.get(c.id)! };
}

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex'));

async function openFilter() {
  await fireEvent.click(screen.getByRole('button', { name: /^Filter/ }));
  await screen.findByRole('textbox', { name: 'cLogP minimum' });
}

describe('filter panel', () => {
  it('narrows the table to a typed range and shows the live count', async () => {
    const { rows } = open();
    await openFilter();
    const box = screen.getByRole('textbox', { name: 'cLogP maximum' });
    await fireEvent.change(box, { target: { value: '0' } });
    const expected = rows.filter((r) => (r.props.clogp as number) <= 0).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(rows.length);
    await waitFor(() => expect(screen.getByTestId('filter-count').textContent!.trim()).toBe(`${expected} of ${rows.length} molecules pass`));
    await waitFor(() => expect(screen.getByTestId('shown-count').textContent).toBe(`${expected} shown`));
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe(String(expected + 1));
    const clogpColumn = screen.getAllByRole('columnheader').findIndex((h) => h.textContent!.includes('cLogP'));
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(2));
    for (const row of bodyRows().slice(0, 3)) expect(Number(within(row).getAllByRole('cell')[clogpColumn].textContent)).toBeLessThanOrEqual(0);
  });

  it('explains a query that does not parse and will not save it', async () => {
    open();
    await openFilter();
    await fireEvent.input(screen.getByRole('textbox', { name: /Substructure/ }), { target: { value: 'C1CC!' } });
    expect((await screen.findByTestId('query-error')).textContent).toMatch(/Not a valid SMARTS query/);
    // no number for a query that has none
    expect(screen.getByTestId('filter-count').textContent).toMatch(/No count/);
    expect((screen.getByRole('button', { name: 'Save as collection' }) as HTMLButtonElement).disabled).toBe(true);
    // read as SMILES instead: the explanation follows the choice, and the error names the mode
    expect(screen.getByTestId('mode-hint').textContent).toMatch(/SMARTS matches atoms as written/);
    await fireEvent.click(screen.getByRole('radio', { name: 'SMILES' }));
    expect(screen.getByTestId('mode-hint').textContent).toMatch(/SMILES matches the molecule as drawn/);
    await waitFor(() => expect(screen.getByTestId('query-error').textContent).toMatch(/Not a valid SMILES query/));
  });

  it('saves what passes as a new collection and opens it', async () => {
    const { core, opened } = open();
    await openFilter();
    await fireEvent.input(screen.getByRole('textbox', { name: /Substructure/ }), { target: { value: 'CCCC' } });
    await waitFor(() => expect(screen.getByTestId('filter-count').textContent).toMatch(/pass/));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Name of the new collection' }), { target: { value: 'long chains' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save as collection' }));
    await waitFor(() => expect(opened).toHaveLength(1));
    const saved = core.collections.find((c) => c.id === opened[0])!;
    expect(saved.name).toBe('long chains');
    expect(core.molecules.get(saved.id)!.every((r) => r.canonicalSmiles.includes('CCCC'))).toBe(true);
    expect(saved.moleculeCount).toBe(Number(screen.getByTestId('filter-count').textContent!.split(' ')[0]));
  });
});

describe('column chooser', () => {
  it('adds a property column and removes a basic one', async () => {
    open(20);
    await fireEvent.click(screen.getByRole('checkbox', { name: /^Exact mass/ }));
    await fireEvent.click(screen.getByRole('checkbox', { name: /^HBA/ }));
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent!.trim());
    expect(headers).toContain('Exact mass');
    expect(headers).toContain('QED');
    expect(headers).not.toContain('HBA');
  });
});

describe('export buttons', () => {
  it('downloads what the core sends, filtered like the table', async () => {
    const { core, rows } = open(40);
    // jsdom has no Blob URLs: stand in for the browser's, keeping the Blob to read back.
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), `blob:test/${blobs.length}`));
    URL.revokeObjectURL = vi.fn();
    await openFilter();
    await fireEvent.input(screen.getByRole('textbox', { name: /Substructure/ }), { target: { value: 'CCC' } });
    await waitFor(() => expect(screen.getByText('Export filtered')).toBeTruthy());
    await fireEvent.click(within(screen.getByRole('group', { name: 'Export' })).getByRole('button', { name: 'CSV' }));
    await waitFor(() => expect(blobs).toHaveLength(1));
    expect(core.calls('collections.export').at(-1)!.args).toMatchObject({ format: 'csv', filter: { substructure: 'CCC' } });
    const lines = (await blobs[0].text()).trim().split('\n');
    expect(lines.slice(1)).toEqual(rows.filter((r) => r.canonicalSmiles.includes('CCC')).map((r) => `${r.canonicalSmiles},${r.name}`));
  });
});
