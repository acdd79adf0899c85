import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import DesignView from './DesignView.svelte';

withLayout();
cleanupAfterEach();

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

function renderDesign(core: MemoryCore, model: string | null = 'series-ft', unencoded = 0) {
  const collection = core.addCollection(20, { name: 'series' });
  for (const r of core.molecules.get(collection.id)!.slice(0, unencoded)) core.unencoded.add(r.id);
  const client = createClient(core);
  const trained: number[] = [];
  render(DesignView, { props: { client, collection, depictions: new DepictionCache(client), lists: [], model, onTrain: () => trained.push(collection.id), onModels: () => {} } });
  return { collection, trained };
}

describe('Design view and the active model', () => {
  it('names the model it uses, and the encode job says it too', async () => {
    const core = new MemoryCore();
    const { collection, trained } = renderDesign(core, 'series-ft', 5);
    expect((await screen.findByTestId('design-model')).textContent).toMatch(/Model\s+series-ft/);
    await fireEvent.click(await screen.findByRole('button', { name: 'Encode 5' }));
    const card = await screen.findByRole('region', { name: 'Encode' });
    expect(card.textContent).toContain('series: 5 molecules with series-ft');
    await fireEvent.click(screen.getByRole('button', { name: 'Fine-tune on this…' }));
    expect(trained).toEqual([collection.id]);
  });
});

describe('Prior sampling in the Design view', () => {
  it('samples valid-first from the prior, counts, hides invalid until asked, and keeps one with provenance sample', async () => {
    const core = new MemoryCore();
    renderDesign(core);
    await fireEvent.click(await screen.findByRole('tab', { name: 'Sample' }));
    const panel = screen.getByRole('region', { name: 'Prior sampling' });
    await fireEvent.input(within(panel).getByLabelText('Draws'), { target: { value: '14' } });
    await fireEvent.click(within(panel).getByLabelText(/aggregate posterior/));
    await fireEvent.click(within(panel).getByRole('button', { name: 'Sample' }));
    const counts = await within(panel).findByTestId('sample-counts');
    expect(core.calls('latent.sample')[0].args).toEqual({ n: 14, seed: 0, source: 'aggregate', strategy: 'valid-first', temperature: 1, describe: true, draw: { width: 180, height: 140 } });
    expect(counts.textContent).toMatch(/14\s*draws\s*12\s*valid\s*8\s*unique\s*–\s*new/);
    expect(within(panel).getAllByTestId('sampled-molecule')).toHaveLength(8);
    await fireEvent.click(within(panel).getByLabelText('invalid'));
    expect(within(panel).getAllByTestId('sampled-molecule')).toHaveLength(10);

    // Longest first
    await fireEvent.change(within(panel).getByLabelText('Sort samples by'), { target: { value: 'length' } });
    await fireEvent.click(within(panel).getByRole('button', { name: 'Reverse the order' }));
    const first = within(panel).getAllByTestId('sampled-molecule')[0];
    expect(first.dataset.smiles).toBe('NCCCCCCCO');

    await fireEvent.click(within(first).getByRole('button', { name: 'Keep…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Keep as candidate' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));
    await waitFor(() => expect(core.calls('candidates.keep')).toHaveLength(1));
    const kept = core.calls('candidates.keep')[0].args as { smiles: string; provenance: { operation: string; model: string; randomSeed: number; params: Record<string, unknown> } };
    expect(kept.smiles).toBe('NCCCCCCCO');
    expect(kept.provenance).toMatchObject({ operation: 'sample', model: 'series-ft', randomSeed: 0, params: { n: 14, source: 'aggregate', strategy: 'valid-first', temperature: 1 } });
  });

  it('keeps every shown sample as a list in one go', async () => {
    const core = new MemoryCore();
    renderDesign(core);
    await fireEvent.click(await screen.findByRole('tab', { name: 'Sample' }));
    const panel = screen.getByRole('region', { name: 'Prior sampling' });
    await fireEvent.input(within(panel).getByLabelText('Draws'), { target: { value: '7' } });
    await fireEvent.click(within(panel).getByRole('button', { name: 'Sample' }));
    await fireEvent.click(await within(panel).findByRole('button', { name: 'Keep 4 as a list…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Keep as candidate' });
    await fireEvent.input(within(dialog).getByLabelText('New list name'), { target: { value: 'prior draws' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));
    await waitFor(() => expect(core.calls('candidates.keep')).toHaveLength(4));
    expect(core.collections.find((c) => c.name === 'prior draws')?.moleculeCount).toBe(4);
  });

  it("says why a sample failed, and refuses a bad setting without a call", async () => {
    const core = new MemoryCore();
    renderDesign(core);
    await fireEvent.click(await screen.findByRole('tab', { name: 'Sample' }));
    const panel = screen.getByRole('region', { name: 'Prior sampling' });
    await fireEvent.input(within(panel).getByLabelText('Draws'), { target: { value: '0' } });
    await fireEvent.click(within(panel).getByRole('button', { name: 'Sample' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe('Draws is a whole number from 1 to 5,000.');
    expect(core.calls('latent.sample')).toHaveLength(0);
  });
});
