import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import DesignView from './DesignView.svelte';

withLayout();
cleanupAfterEach();

// jsdom has no ResizeObserver (the map measures its box with one); nothing resizes here, so none is needed.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

function renderDesign(core: MemoryCore, n = 20) {
  const collection = core.addCollection(n, { name: 'series' });
  const client = createClient(core);
  const opened: number[] = [];
  const lists = () => core.collections.filter((c) => c.kind === 'candidates');
  const view = render(DesignView, { props: { client, collection, depictions: new DepictionCache(client), lists: lists(), onOpen: (id: number) => opened.push(id) } });
  return { collection, view, opened, lists };
}

describe('DesignView', () => {
  it('says how much of the collection is on the map and encodes the rest with a progress card', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(0);
    void c;
    const collection = core.addCollection(20, { name: 'series' });
    for (const r of core.molecules.get(collection.id)!.slice(0, 8)) core.unencoded.add(r.id);
    const client = createClient(core);
    render(DesignView, { props: { client, collection, depictions: new DepictionCache(client), lists: [] } });
    const status = await screen.findByTestId('encode-status');
    await waitFor(() => expect(status.textContent).toMatch(/12 on the map · 8 not encoded/));
    await fireEvent.click(screen.getByRole('button', { name: 'Encode 8' }));
    await waitFor(() => expect(core.calls('latent.encodeCollection')).toHaveLength(1));
    const jobId = core.nextJobId - 1;
    core.emit('job.progress', { jobId, kind: 'encode', done: 3, total: 8, rate: 30, etaSeconds: 0.2, message: null });
    const card = await screen.findByRole('region', { name: 'Encode' });
    await waitFor(() => expect(card.textContent).toContain('3 / 8'));
    core.unencoded.clear();
    core.emit('job.finished', { jobId, kind: 'encode', status: 'done', error: null, result: null });
    // Done: the card goes, the map is read again and every molecule is on it.
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Encode' })).toBeNull());
    await waitFor(() => expect(status.textContent?.trim()).toBe('20 on the map'));
  });

  it('walks from a typed seed: sliders from the directions, the molecule with deltas, history, keep into a new list', async () => {
    const core = new MemoryCore();
    const { opened } = renderDesign(core);
    const seed = await screen.findByPlaceholderText(/SMILES, or click a point/);
    await fireEvent.input(seed, { target: { value: 'CCO' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Walk' }));
    const result = await screen.findByTestId('walk-result');
    await waitFor(() => expect(within(result).getByTestId('designed-molecule').dataset.smiles).toBe('CCO'));

    const slider = screen.getByRole('slider', { name: 'more cLogP' }) as HTMLInputElement;
    expect(screen.getAllByRole('slider').map((s) => s.getAttribute('aria-label'))).toEqual(['PC1', 'PC2', 'more cLogP', 'more QED', 'lower SA']);
    await fireEvent.input(slider, { target: { value: '1' } });
    await waitFor(() => expect(within(result).getByTestId('designed-molecule').dataset.smiles).toBe('CCOCC'));
    // the move's own call (the page may also have fetched the next position ahead: prefetch true)
    expect(core.calls('latent.walk').filter((c) => !c.args.prefetch).at(-1)!.args.offsets).toEqual([{ direction: 'clogp+', amount: 1 }]);
    // MW grows by 24 (two carbons in the stand-in core), shown against the seed.
    expect(result.textContent).toContain('+24.00');
    expect(within(screen.getByRole('list', { name: 'Molecules visited' })).getAllByRole('listitem')).toHaveLength(2);

    await fireEvent.click(within(result).getByRole('button', { name: 'Keep…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Keep as candidate' });
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'New list name' }), { target: { value: 'walks' } });
    await fireEvent.click(within(dialog).getByRole('radio', { name: '3 stars' }));
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Note' }), { target: { value: 'less polar' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const [keep] = core.calls('candidates.keep');
    expect(keep.args).toMatchObject({ listName: 'walks', smiles: 'CCOCC', rating: 3, note: 'less polar', provenance: { operation: 'walk', seed: 'CCO' } });
    const status = screen.getByRole('status');
    expect(status.textContent).toMatch(/Kept 1 molecule in\s+walks/);
    await fireEvent.click(within(status).getByRole('button', { name: 'walks' }));
    expect(opened).toEqual([core.collections.find((c) => c.name === 'walks')!.id]);
  });

  it('snaps back to the seed and steps by the chosen step size', async () => {
    const core = new MemoryCore();
    renderDesign(core);
    await fireEvent.input(await screen.findByPlaceholderText(/SMILES, or click a point/), { target: { value: 'CC' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Walk' }));
    await screen.findByTestId('designed-molecule');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Step size' }), { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'PC1: one step more' }));
    await fireEvent.click(screen.getByRole('button', { name: 'PC1: one step more' }));
    await waitFor(() => expect((screen.getByRole('slider', { name: 'PC1' }) as HTMLInputElement).value).toBe('2'));
    await waitFor(() => expect(screen.getByTestId('designed-molecule').dataset.smiles).toBe('CCCCCC'));
    await fireEvent.click(screen.getByRole('button', { name: 'Snap back to seed' }));
    await waitFor(() => expect(screen.getByTestId('designed-molecule').dataset.smiles).toBe('CC'));
    expect((screen.getByRole('slider', { name: 'PC1' }) as HTMLInputElement).value).toBe('0');
  });

  it('runs the neighbourhood and the interpolation from their tabs', async () => {
    const core = new MemoryCore();
    renderDesign(core);
    await fireEvent.click(await screen.findByRole('tab', { name: 'Neighbours' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Neighbourhood seed' }), { target: { value: 'CO' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    const counts = await screen.findByTestId('neighbour-counts');
    expect(counts.textContent).toMatch(/100\s*tries\s*99\s*valid\s*5\s*unique\s*4\s*new/);
    expect(within(screen.getByRole('list', { name: 'Neighbours' })).getAllByTestId('designed-molecule')).toHaveLength(5);

    await fireEvent.click(screen.getByRole('tab', { name: 'Interpolate' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'From SMILES' }), { target: { value: 'CCO' } });
    await fireEvent.input(screen.getByRole('textbox', { name: 'To SMILES' }), { target: { value: 'CCN' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Interpolate' }));
    const summary = await screen.findByTestId('path-summary');
    expect(summary.textContent).toMatch(/2 distinct steps · 10 of 10 valid · 2 molecules/);
    expect(screen.getByRole('list', { name: 'Interpolation path' }).textContent).toContain('×5');
  });

  it("shows the core's reason when the map cannot be read", async () => {
    const core = new MemoryCore();
    const client = createClient(core);
    const collection = { ...core.addCollection(3), id: 77 };
    render(DesignView, { props: { client, collection, depictions: new DepictionCache(client), lists: [] } });
    await settle();
    expect((await screen.findByRole('alert')).textContent).toMatch(/Could not read the latent map: There is no collection 77/);
  });
});
