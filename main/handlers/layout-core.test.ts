// The UMAP projection of the latent map through the real core: real job processes, the shipped model on ONNX
// Runtime, ~200 ZINC molecules. Before a layout the 'umap' map is a 409 and a layout before encoding a 400;
// after, every encoded molecule has a point, colours line up, the same seed gives the same points, and
// deleting the collection stops its layout job and takes its points.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { openWorkspace } from '../store/db.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { UNENCODABLE, checkedCall, importSmiles as importInto, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';


describe('UMAP layout of a collection on the latent map', () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });

  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);
  const importSmiles = (smiles: string[], properties = true) => importInto(core!, tmp.file(`set-${smiles.length}.smi`), smiles, properties);

  async function layout(collectionId: number, randomSeed = 0) {
    const { jobId } = await call('latent.layout', { collectionId, randomSeed });
    const job = await core!.whenJobFinished(jobId);
    expect(job).toMatchObject({ status: 'done', kind: 'layout' });
    return job;
  }

  it('is a 409 until computed, then maps every encoded molecule; the same seed gives the same layout', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const smiles = [...zincValid(200), UNENCODABLE];
    const cid = await importSmiles(smiles);
    const n = (await call('collections.get', { id: cid })).moleculeCount;

    expect(await call('latent.layoutInfo', { collectionId: cid })).toEqual({ umap: null, runningJobId: null });
    await expect(call('latent.map', { collectionId: cid, projection: 'umap' })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/no UMAP layout.*compute one/) });
    await expect(call('latent.layout', { collectionId: cid })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/encode it first/) });

    expect((await core.whenJobFinished((await call('latent.encodeCollection', { collectionId: cid })).jobId)).status).toBe('done');
    // progress per epoch, with a total, while it runs
    const progress: { done: number; total: number | null }[] = [];
    core.onEvent((event, payload) => {
      if (event === 'job.progress' && (payload as { kind: string }).kind === 'layout') progress.push(payload as { done: number; total: number | null });
    });
    const job = await layout(cid);
    expect(job.result).toMatchObject({ collectionId: cid, method: 'umap', randomSeed: 0, nNeighbors: 15, minDist: 0.1 });
    expect(progress.some((p) => p.total !== null && p.done > 0)).toBe(true);
    const info = await call('latent.layoutInfo', { collectionId: cid });
    expect(info).toMatchObject({ runningJobId: null, umap: { points: (job.result as { points: number }).points, params: { nNeighbors: 15, minDist: 0.1, randomSeed: 0 } } });
    expect(Number.isNaN(Date.parse(info.umap!.createdAt))).toBe(false);

    const pca = await call('latent.map', { collectionId: cid });
    const umap = await call('latent.map', { collectionId: cid, projection: 'umap', colorBy: 'qed' });
    // the same molecules as the PCA map, in the same order, with other coordinates and no background
    expect(umap.ids).toEqual(pca.ids);
    expect((job.result as { points: number }).points).toBe(pca.ids.length);
    expect(umap.ids.length + umap.missing + umap.unencodable).toBe(n);
    expect(umap).toMatchObject({ missing: 0, unencodable: 1, axes: ['UMAP 1', 'UMAP 2'], background: { x: [], y: [] } });
    expect([...umap.x, ...umap.y].every(Number.isFinite)).toBe(true);
    expect(new Set(umap.x).size).toBeGreaterThan(umap.ids.length / 2);
    expect(umap.x).not.toEqual(pca.x);
    expect(umap.values).toEqual((await call('latent.map', { collectionId: cid, colorBy: 'qed' })).values);
    expect((await call('latent.map', { collectionId: cid, projection: 'umap' })).values).toBeNull();

    await layout(cid);
    const again = await call('latent.map', { collectionId: cid, projection: 'umap' });
    expect([again.ids, again.x, again.y]).toEqual([umap.ids, umap.x, umap.y]);
    // (another seed, another layout: layout-job.test.ts)

    // deleting the collection stops a layout job that is running and takes the points and the fit
    const running = await call('latent.layout', { collectionId: cid, randomSeed: 2 });
    expect(await call('latent.layout', { collectionId: cid, randomSeed: 2 })).toEqual(running);
    expect((await call('latent.layoutInfo', { collectionId: cid })).runningJobId).toBe(running.jobId);
    expect(await call('collections.delete', { id: cid })).toEqual({ deleted: true });
    expect(['cancelled', 'done', 'failed']).toContain((await core.whenJobFinished(running.jobId)).status);
    const db = openWorkspace(tmp.file('w.sqlite'));
    expect(db.prepare('SELECT (SELECT count(*) FROM layout_points) + (SELECT count(*) FROM layouts)').pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a layout for a collection or model that does not exist', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    await expect(call('latent.layout', { collectionId: 999 })).rejects.toMatchObject({ status: 404 });
    await expect(call('latent.layoutInfo', { collectionId: 999 })).rejects.toMatchObject({ status: 404 });
    const cid = await importSmiles(zincValid(3), false);
    await expect(call('latent.layout', { collectionId: cid, model: tmp.file('no-such-bundle') })).rejects.toMatchObject({ status: 400 });
    await expect(call('latent.layout', { collectionId: cid, nNeighbors: 1 })).rejects.toThrow(/nNeighbors/);
  });
});
