import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import { LayoutCore } from '../test-support/layout-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import { DepictionCache } from '../state/depictions.svelte.ts';
import { LatentMapState } from '../state/latent-map.svelte.ts';
import { MapProjectionState } from '../state/map-projection.svelte.ts';
import ProjectedMap from './ProjectedMap.svelte';

withLayout();
cleanupAfterEach();

// jsdom has no ResizeObserver (the map measures its box with one); nothing resizes here, so none is needed.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

async function renderMap(n = 12) {
  const core = new LayoutCore();
  const c = core.addCollection(n, { name: 'series' });
  const client = createClient(core);
  const map = new LatentMapState(client, c.id);
  const projection = new MapProjectionState(client, c.id, map);
  await map.load();
  render(ProjectedMap, { props: { map, projection, depictions: new DepictionCache(client), name: c.name } });
  return { core, c, map };
}

describe('ProjectedMap', () => {
  it('switches to UMAP: an invitation to compute it, its progress, then the layout with a note', async () => {
    const { core, c } = await renderMap();
    const pca = screen.getByRole('button', { name: 'PCA' });
    const umap = screen.getByRole('button', { name: 'UMAP' });
    expect(pca.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText(/^PC1/)).toBeTruthy();

    await fireEvent.click(umap);
    const cover = await screen.findByTestId('umap-cover');
    expect(umap.getAttribute('aria-pressed')).toBe('true');
    expect(cover.textContent).toMatch(/no UMAP layout/);
    expect(cover.textContent).toMatch(/12 encoded molecules/);
    await fireEvent.click(within(cover).getByRole('button', { name: 'Compute UMAP layout' }));
    await waitFor(() => expect(core.calls('latent.layout')).toHaveLength(1));
    const jobId = core.nextJobId - 1;
    core.emit('job.progress', { jobId, kind: 'layout', done: 100, total: 500, rate: 50, etaSeconds: 8, message: 'optimising the layout of 12 molecules' });
    const card = await screen.findByRole('region', { name: 'UMAP layout' });
    await waitFor(() => expect(card.textContent).toContain('100 / 500'));
    expect(card.textContent).toContain('50 epochs/s');
    expect(screen.queryByTestId('umap-note')).toBeNull();

    core.layouts.add(c.id);
    core.emit('job.finished', { jobId, kind: 'layout', status: 'done', error: null, result: null });
    await waitFor(() => expect(screen.queryByTestId('umap-cover')).toBeNull());
    await screen.findByText('UMAP 1');
    expect(screen.getByTestId('umap-note').textContent).toMatch(/no training set.*designed molecules are drawn on the PCA map only/);
    expect(screen.getByTestId('umap-note').textContent).not.toMatch(/no point/);

    await fireEvent.click(pca);
    await screen.findByText(/^PC1/);
    expect(screen.queryByTestId('umap-note')).toBeNull();
  });

  it('counts the molecules a stored layout has no point for', async () => {
    const core = new LayoutCore();
    const c = core.addCollection(12, { name: 'series' });
    core.layouts.add(c.id);
    for (const r of core.molecules.get(c.id)!.slice(0, 3)) core.unencoded.add(r.id);
    const client = createClient(core);
    const map = new LatentMapState(client, c.id);
    const projection = new MapProjectionState(client, c.id, map);
    render(ProjectedMap, { props: { map, projection, depictions: new DepictionCache(client), name: c.name } });
    await fireEvent.click(screen.getByRole('button', { name: 'UMAP' }));
    const note = await screen.findByTestId('umap-note');
    expect(screen.queryByTestId('umap-cover')).toBeNull();
    await waitFor(() => expect(note.textContent).toMatch(/3 molecules have no point/));
  });

  it('says why a layout could not start', async () => {
    const { core } = await renderMap();
    await fireEvent.click(screen.getByRole('button', { name: 'UMAP' }));
    const cover = await screen.findByTestId('umap-cover');
    const compute = await within(cover).findByRole('button', { name: 'Compute UMAP layout' });
    core.collections.length = 0; // the collection is gone: latent.layout answers 404
    await fireEvent.click(compute);
    const alert = await within(cover).findByRole('alert');
    expect(alert.textContent).toMatch(/Could not compute the UMAP layout: There is no collection/);
  });
});
