import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import type { Problem } from '../../../main/api/contract.ts';
import { decimal } from '../lib/format.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import { MemoryCore, designed } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import CollectionView from './CollectionView.svelte';
import { DEFAULT_PROPERTIES, userValue } from './columns.ts';

withLayout(1200, 700);
cleanupAfterEach();

// jsdom has no ResizeObserver (the Design tab's map measures its box with one); nothing resizes here.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

function open(core: MemoryCore, id: number) {
  const client = createClient(core);
  const collection = core.collections.find((c) => c.id === id)!;
  return render(CollectionView, { props: { client, collection, depictions: new DepictionCache(client, 150, 96) } });
}

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex'));

describe('CollectionView', () => {
  it('renders only the rows in view of a 250,000-row collection, each with its structure and values', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(250_000, { name: 'zinc' });
    open(core, c.id);
    await waitFor(() => expect(screen.getAllByRole('img').length).toBeGreaterThan(3));
    const rows = bodyRows();
    // 700 px of 104 px rows plus overscan: a handful of rows in the DOM, not 250,000.
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(30);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('250001');

    const first = core.molecules.get(c.id)![0];
    const cells = within(rows[0]).getAllByRole('cell').map((cell) => cell.textContent!.trim());
    // QED, SA and PAINS are in the default set; this core computes none of them: shown as missing, not blank
    expect(cells).toEqual([
      '1',
      '',
      first.name,
      decimal(first.props.mol_wt),
      decimal(first.props.clogp),
      decimal(first.props.tpsa),
      String(first.props.hbd),
      String(first.props.hba),
      '—',
      '—',
      '—',
    ]);
    const img = within(rows[0]).getByRole('img') as HTMLImageElement;
    expect(img.src.startsWith('data:image/svg+xml')).toBe(true);
    expect(img.alt).toBe(`Structure of ${first.name}`);
    // Structures were asked for in one batch for the visible rows, not one call per row.
    expect(core.calls('chem.depict').length).toBeLessThanOrEqual(2);
    expect(core.calls('collections.molecules').every((call) => (call.args.limit as number) <= 100)).toBe(true);
  });

  it('shows pending properties, then fills them in when the core says they changed', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(50, { withProps: false });
    const view = open(core, c.id);
    expect(await screen.findByText(/Computing properties… 0 \/ 50/)).toBeTruthy();
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(3));
    expect(within(bodyRows()[2]).getAllByText('…')).toHaveLength(DEFAULT_PROPERTIES.length);

    core.fillProperties(c.id);
    await view.rerender({ collection: { ...c } });
    const third = core.molecules.get(c.id)![2];
    await waitFor(() => expect(within(bodyRows()[2]).getByText(decimal(third.props.mol_wt))).toBeTruthy());
    expect(screen.queryByText(/Computing properties/)).toBeNull();
  });

  it('sorts by a clicked header and marks the direction', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(500);
    open(core, c.id);
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(3));
    const header = screen.getByRole('columnheader', { name: /MW/ });
    await fireEvent.click(within(header).getByRole('button'));
    await fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(core.calls('collections.molecules').at(-1)!.args.sort).toEqual({ key: 'mol_wt', descending: true });
    await waitFor(() => expect(within(bodyRows()[0]).getAllByRole('cell')[0].textContent).toBe('500'));
  });

  it('shows the columns the file brought along, and sorts by them', async () => {
    const core = new MemoryCore();
    const pIC50 = (position: number) => 5 + ((position * 37) % 100) / 33;
    const c = core.addCollection(200, { userProps: (p) => ({ pIC50: pIC50(p), series: p % 2 ? 'A' : 'B', note: p === 1 ? null : 'ok' }) });
    open(core, c.id);
    await waitFor(() => expect(bodyRows().length).toBeGreaterThan(3));
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent!.trim());
    expect(headers.slice(-3)).toEqual(['pIC50', 'series', 'note']);
    const cells = within(bodyRows()[1]).getAllByRole('cell').map((cell) => cell.textContent!.trim());
    expect(cells.slice(-3)).toEqual([pIC50(2).toFixed(2), 'B', 'ok']);
    expect(within(bodyRows()[0]).getAllByRole('cell').at(-1)!.textContent!.trim()).toBe('—');

    const header = screen.getByRole('columnheader', { name: /pIC50/ });
    await fireEvent.click(within(header).getByRole('button'));
    await fireEvent.click(within(header).getByRole('button'));
    expect(core.calls('collections.molecules').at(-1)!.args.sort).toEqual({ key: 'user:pIC50', descending: true });
    const best = Math.max(...core.molecules.get(c.id)!.map((r) => r.userProps.pIC50 as number));
    await waitFor(() => expect(within(bodyRows()[0]).getAllByRole('cell').at(-3)!.textContent).toBe(userValue(best)));
  });

  it('lists the problems with line numbers, reasons and text', async () => {
    const core = new MemoryCore();
    const problems: Problem[] = [
      { file: 'x.smi', line: 3, record: null, reason: 'SMILES parse error', text: 'C1CC' },
      { file: 'x.smi', line: 17, record: null, reason: 'Empty SMILES', text: '' },
    ];
    const c = core.addCollection(5, { problems });
    open(core, c.id);
    await fireEvent.click(screen.getByRole('tab', { name: /Problems/ }));
    const rows = await screen.findAllByTestId('problem');
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual(
      // the panel says what became of each line (issue 16: problems are also kept as warnings and info)
      problems.map((p) => [String(p.line), 'not imported', p.reason, p.text]),
    );
    expect(screen.getByText(/Showing 2 of 2 /)).toBeTruthy();
  });
});

describe('CollectionView of a candidate list', () => {
  it('edits a rating and a note in the table through candidates.update, and offers the structure grid', async () => {
    const core = new MemoryCore();
    const client = createClient(core);
    const m = designed('CCOC', 'CCO', 'walk', { offsets: [] });
    const { list } = await client.call('candidates.keep', { listName: 'picks', smiles: 'CCOC', provenance: m.provenance, rating: 2, note: 'first' });
    render(CollectionView, { props: { client, collection: list, depictions: new DepictionCache(client, 150, 96) } });
    const star = await screen.findByRole('button', { name: 'Rate CCOC 4 stars' });
    expect(screen.getByRole('button', { name: 'Rate CCOC 2 stars' }).getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(star);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Rate CCOC 4 stars' }).getAttribute('aria-pressed')).toBe('true'));
    const note = screen.getByRole('textbox', { name: 'Note on CCOC' }) as HTMLInputElement;
    expect(note.value).toBe('first');
    await fireEvent.change(note, { target: { value: 'make the amide' } });
    await waitFor(() => expect(core.calls('candidates.update')).toHaveLength(2));
    expect(core.calls('candidates.update').map((c) => c.args)).toEqual([
      { moleculeId: expect.any(Number), rating: 4 },
      { moleculeId: expect.any(Number), note: 'make the amide' },
    ]);
    expect(core.molecules.get(list.id)![0].userProps).toMatchObject({ rating: 4, note: 'make the amide' });
    expect(screen.getByRole('group', { name: 'Structure grid' })).toBeTruthy();
  });

  it('opens Design only when an import has finished filling the collection (the core would refuse the map)', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30, { name: 'half' });
    c.importingJobId = 7;
    const client = createClient(core);
    const view = render(CollectionView, { props: { client, collection: { ...c }, depictions: new DepictionCache(client, 150, 96) } });
    await fireEvent.click(screen.getByRole('tab', { name: 'Design' }));
    expect(screen.getByTestId('design-wait').textContent).toMatch(/import of half has finished/);
    expect(core.calls('latent.map')).toHaveLength(0);
    c.importingJobId = null;
    await view.rerender({ client, collection: { ...c }, depictions: new DepictionCache(client, 150, 96) });
    await waitFor(() => expect(core.calls('latent.map').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('design-wait')).toBeNull();
  });
});
