import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { settle } from '../test-support/memory-core.ts';
import { LayoutCore } from '../test-support/layout-core.ts';
import { LatentMapState } from './latent-map.svelte.ts';
import { MapProjectionState } from './map-projection.svelte.ts';

function setup(n = 20) {
  const core = new LayoutCore();
  const c = core.addCollection(n, { name: 'series' });
  const client = createClient(core);
  const map = new LatentMapState(client, c.id);
  const projection = new MapProjectionState(client, c.id, map);
  projection.watch();
  return { core, c, map, projection };
}

describe('MapProjectionState', () => {
  it('without a layout, stays on PCA, computes one with progress per epoch, then shows it', async () => {
    const { core, c, map, projection } = setup();
    await map.load();
    expect(map.points!.axes[0]).toMatch(/^PC1/);

    await projection.choose('umap');
    expect(projection).toMatchObject({ choice: 'umap', hasLayout: false, checking: false, error: null, showsUmap: false });
    expect(map.projection).toBe('pca');
    expect(map.points!.axes[0]).toMatch(/^PC1/);

    await projection.compute('series: 20 molecules');
    expect(core.calls('latent.layout')[0].args).toEqual({ collectionId: c.id, model: undefined });
    const jobId = projection.run!.jobId!;
    core.emit('job.progress', { jobId, kind: 'layout', done: 0, total: 500, rate: null, etaSeconds: null, message: 'optimising the layout of 20 molecules' });
    core.emit('job.progress', { jobId, kind: 'layout', done: 120, total: 500, rate: 40, etaSeconds: 9.5, message: null });
    // another job's events change nothing
    core.emit('job.progress', { jobId, kind: 'encode', done: 3, total: 20, rate: 1, etaSeconds: 1, message: null });
    expect(projection.busy).toBe(true);
    // an epoch rate is not a molecule rate: it goes in the message, after what the job said it was doing
    expect(projection.run).toMatchObject({ phase: 'running', done: 120, total: 500, rate: null, etaSeconds: 9.5, message: 'optimising the layout of 20 molecules · 40 epochs/s' });

    core.layouts.add(c.id);
    core.emit('job.finished', { jobId, kind: 'layout', status: 'done', error: null, result: null });
    expect(projection.run).toMatchObject({ phase: 'done', done: 500 });
    await settle();
    expect(projection).toMatchObject({ hasLayout: true, showsUmap: true });
    expect(map.points!.axes).toEqual(['UMAP 1', 'UMAP 2']);
    expect(map.points!.background.x).toHaveLength(0);
    expect(core.calls('latent.map').at(-1)!.args).toMatchObject({ collectionId: c.id, projection: 'umap' });

    // back to PCA, and to UMAP again without asking whether a layout exists
    await projection.choose('pca');
    expect(map.points!.axes[0]).toMatch(/^PC1/);
    expect(projection.showsUmap).toBe(false);
    const asked = core.calls('latent.layoutInfo').length;
    await projection.choose('umap');
    expect(map.points!.axes[0]).toBe('UMAP 1');
    expect(core.calls('latent.layoutInfo')).toHaveLength(asked);
  });

  it('shows a stored layout at once, keeps the selection by molecule, and re-colours it', async () => {
    const { core, c, map, projection } = setup();
    core.layouts.add(c.id);
    await map.load();
    const id = core.molecules.get(c.id)![7].id;
    map.select(map.indexOf(id));
    await projection.choose('umap');
    expect(map.points!.axes[0]).toBe('UMAP 1');
    expect(map.points!.ids[map.selected!]).toBe(id);
    map.setColorBy('clogp');
    await settle();
    expect(map.points!.axes[0]).toBe('UMAP 1');
    expect(map.points!.values).toHaveLength(20);
  });

  it('says why a layout failed, and cancels through jobs.cancel', async () => {
    const { core, projection } = setup();
    await projection.choose('umap');
    await projection.compute('series');
    const first = projection.run!.jobId!;
    core.emit('job.finished', { jobId: first, kind: 'layout', status: 'failed', error: 'A UMAP layout is limited to 50,000 molecules', result: null });
    expect(projection.run?.error).toBe('The UMAP layout failed: A UMAP layout is limited to 50,000 molecules');
    expect(projection.hasLayout).toBe(false);

    await projection.compute('series');
    const second = projection.run!.jobId!;
    await projection.cancel();
    expect(core.calls('jobs.cancel')[0].args).toEqual({ id: second });
    core.emit('job.finished', { jobId: second, kind: 'layout', status: 'cancelled', error: null, result: null });
    expect(projection.run?.phase).toBe('cancelled');
    expect(projection.showsUmap).toBe(false);
  });

  it('follows a layout job that was already running (started before a reload)', async () => {
    const { core, c, map, projection } = setup();
    core.running.set(c.id, 41);
    await projection.choose('umap');
    expect(projection).toMatchObject({ hasLayout: false, busy: true, run: { jobId: 41, phase: 'running' } });
    expect(core.calls('latent.map')).toHaveLength(0);
    core.emit('job.progress', { jobId: 41, kind: 'layout', done: 10, total: 200, rate: null, etaSeconds: null, message: null });
    expect(projection.run).toMatchObject({ done: 10, total: 200 });
    core.layouts.add(c.id);
    core.emit('job.finished', { jobId: 41, kind: 'layout', status: 'done', error: null, result: null });
    await settle();
    expect(map.points!.axes[0]).toBe('UMAP 1');
  });

  it('keeps the events that beat the call\'s answer', async () => {
    const { core, c, projection } = setup();
    core.layouts.add(c.id);
    let open!: () => void;
    core.gate = new Promise((resolve) => (open = resolve));
    const started = projection.compute('series');
    await settle();
    const jobId = core.nextJobId;
    core.emit('job.progress', { jobId, kind: 'layout', done: 50, total: 200, rate: null, etaSeconds: null, message: null });
    core.emit('job.finished', { jobId, kind: 'layout', status: 'done', error: null, result: null });
    core.gate = null;
    open();
    await started;
    expect(projection.run).toMatchObject({ jobId, phase: 'done', done: 200 });
    expect(projection.hasLayout).toBe(true);
  });
});
