// Working in the table (issue 17, items 2, 6, 7), against the in-memory core: picking rows as a spreadsheet does,
// select all of the filter (every passing row, not the loaded page), keeping the selection as a candidate list,
// copying it, Delete in a list with Ctrl+Z, and the sidebar's rename / duplicate / delete with confirmation and undo.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../../main/api/client.ts';
import { DepictionCache } from '../../state/depictions.svelte.ts';
import { CollectionsState } from '../../state/collections.svelte.ts';
import { UndoStack } from '../../state/undo.svelte.ts';
import { MemoryCore } from '../../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../../test-support/layout.ts';
import CollectionView from '../CollectionView.svelte';
import Sidebar from '../Sidebar.svelte';

withLayout(1400, 800);
cleanupAfterEach();

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex'));
const nameCell = (i: number) => within(bodyRows()[i]).getAllByRole('cell')[2];
const selected = () => screen.getByTestId('selected-count').textContent!.replace(/\s+/g, ' ').trim();

function open(core: MemoryCore, id: number, undo = new UndoStack()) {
  const client = createClient(core);
  const collection = core.collections.find((c) => c.id === id)!;
  render(CollectionView, { props: { client, collection, depictions: new DepictionCache(client, 150, 96), undo } });
  return { client, undo };
}

describe('picking rows', () => {
  it('click, Shift-click and Ctrl-click pick as a spreadsheet does; Ctrl+A picks the whole filter', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(1200);
    open(core, c.id);
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(5));
    await fireEvent.click(nameCell(1));
    await fireEvent.click(nameCell(4), { shiftKey: true });
    expect(selected()).toBe('4 of 1,200 selected');
    await fireEvent.click(nameCell(2), { ctrlKey: true });
    expect(selected()).toBe('3 of 1,200 selected');
    expect(bodyRows()[2].getAttribute('aria-selected')).toBe('false');
    expect(bodyRows()[4].getAttribute('aria-selected')).toBe('true');
    // arrows move the pick, Shift extends it
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'ArrowDown' });
    expect(selected()).toBe('1 of 1,200 selected');
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'ArrowDown', shiftKey: true });
    expect(selected()).toBe('2 of 1,200 selected');
    // Ctrl+A: all 1,200 ids, though only the first page or two were loaded
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'a', ctrlKey: true });
    await waitFor(() => expect(selected()).toBe('1,200 of 1,200 selected'));
    expect(core.calls('collections.ids')).toHaveLength(1);
    expect(core.calls('collections.molecules').every((call) => (call.args.offset as number) < 400)).toBe(true);
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'Escape' });
    expect(selected()).toBe('Nothing selected');
  });

  it('copies the picked molecules as SMILES with their names, and keeps them as a candidate list', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30, { name: 'series' });
    const rows = core.molecules.get(c.id)!;
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    open(core, c.id);
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(5));
    await fireEvent.click(nameCell(0));
    await fireEvent.click(nameCell(2), { shiftKey: true });
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(writeText).toHaveBeenCalledOnce());
    expect(writeText).toHaveBeenCalledWith(rows.slice(0, 3).map((r) => `${r.canonicalSmiles}\t${r.name}`).join('\n') + '\n');
    expect(await screen.findByText('Copied 3 SMILES')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Keep as list…' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'List name' }), { target: { value: 'make these' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Keep 3' }));
    await screen.findByText("Kept 3 in the list 'make these'");
    expect(core.calls('collections.createFromIds').map((x) => x.args)).toEqual([{ collectionId: c.id, ids: rows.slice(0, 3).map((r) => r.id), name: 'make these', kind: 'candidates' }]);
    const list = core.collections.find((x) => x.name === 'make these')!;
    expect(list.kind).toBe('candidates');
    expect(core.molecules.get(list.id)!.map((r) => r.canonicalSmiles)).toEqual(rows.slice(0, 3).map((r) => r.canonicalSmiles));
  });
});

describe('a candidate list', () => {
  it('takes the picked candidates out with Delete, and Ctrl+Z (the undo stack) puts them back in place', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(5);
    const client = createClient(core);
    const list = await client.call('collections.createFromIds', { collectionId: c.id, ids: core.molecules.get(c.id)!.map((r) => r.id), name: 'picks', kind: 'candidates' });
    const before = core.molecules.get(list.id)!.map((r) => r.canonicalSmiles);
    const { undo } = open(core, list.id);
    await waitFor(() => expect(bodyRows()).toHaveLength(5));
    await fireEvent.click(nameCell(1));
    await fireEvent.click(nameCell(2), { ctrlKey: true });
    await fireEvent.keyDown(screen.getByTestId('molecule-scroller'), { key: 'Delete' });
    await waitFor(() => expect(core.molecules.get(list.id)).toHaveLength(3));
    expect(undo.last?.label).toBe("Removed 2 candidates from 'picks'");
    expect(await undo.undo()).toBe(true);
    expect(core.molecules.get(list.id)!.map((r) => r.canonicalSmiles)).toEqual(before);
  });
});

describe('the sidebar', () => {
  it('renames, duplicates, and deletes after a confirmation with an undo; twins are told apart', async () => {
    const core = new MemoryCore();
    const a = core.addCollection(4, { name: 'assay' });
    core.addCollection(2, { name: 'assay' });
    const client = createClient(core);
    const collections = new CollectionsState(client);
    const undo = new UndoStack();
    await collections.refresh();
    render(Sidebar, { props: { collections, undo } });
    expect(screen.getAllByTestId('apart').map((e) => e.textContent)).toEqual([expect.stringMatching(/#2$/), expect.stringMatching(/#1$/)]);

    await fireEvent.click(screen.getAllByRole('button', { name: 'Manage assay' })[1]);
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Rename' }));
    const input = screen.getByRole('textbox', { name: 'New name for assay' });
    await fireEvent.input(input, { target: { value: 'assay, first run' } });
    await fireEvent.submit(input.closest('form')!);
    await waitFor(() => expect(core.collections.find((x) => x.id === a.id)!.name).toBe('assay, first run'));
    await waitFor(() => expect(screen.queryAllByTestId('apart')).toHaveLength(0));

    await fireEvent.click(screen.getByRole('button', { name: 'Manage assay, first run' }));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Duplicate' }));
    await screen.findByRole('button', { name: /^assay, first run \(copy\)/ });
    await waitFor(() => expect(collections.selected?.name).toBe('assay, first run (copy)'));

    await fireEvent.click(screen.getByRole('button', { name: 'Manage assay, first run' }));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Delete…' }));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm.textContent).toContain('Its 4 molecules go with it');
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: /^assay, first run 4/ })).toBeNull());
    expect(core.calls('collections.delete').at(-1)!.args).toEqual({ id: a.id, undoable: true });
    await waitFor(() => expect(undo.last?.label).toBe("Deleted 'assay, first run'"));
    expect(await undo.undo()).toBe(true);
    await screen.findByRole('button', { name: /^assay, first run 4 molecules/ });
    expect(collections.selectedId).toBe(a.id);
  });
});
