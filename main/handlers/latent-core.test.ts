// The latent side of the core with a real workspace, real job processes and the shipped model on ONNX
// Runtime: encode a collection (only what is missing), cancel mid-way, molecules the model cannot express,
// and the collection on the latent map.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { openWorkspace } from '../store/db.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { UNENCODABLE, checkedCall, importSmiles as importInto, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';


describe('latent vectors in the workspace', () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });

  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);
  const importSmiles = (smiles: string[], properties: boolean) => importInto(core!, tmp.file(`set-${smiles.length}.smi`), smiles, properties);

  it('encodes a collection once, counts what the model cannot express without retrying it, and maps every encoded molecule', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const smiles = [...zincValid(24), UNENCODABLE];
    const cid = await importSmiles(smiles, true);
    const changed: (number | null)[] = [];
    core.onEvent((event, payload) => {
      if (event === 'collections.changed') changed.push((payload as { collectionId: number | null }).collectionId);
    });

    const before = await call('latent.map', { collectionId: cid });
    expect(before).toMatchObject({ ids: [], x: [], y: [], missing: smiles.length, unencodable: 0 });

    const { jobId } = await call('latent.encodeCollection', { collectionId: cid });
    const job = await core.whenJobFinished(jobId);
    // its last phase: the model's confidence in each of the 24 it encoded
    expect(job).toMatchObject({ status: 'done', kind: 'encode', total: smiles.length - 1, done: smiles.length - 1 });
    expect(job.result).toMatchObject({ collectionId: cid, encoded: smiles.length - 1, unencodable: 1, totalEncoded: smiles.length - 1, totalUnencodable: 1 });
    expect((job.result as { modelSha256: string }).modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(changed).toContain(cid);

    // the reason is stored with the molecule: the token the vocabulary lacks
    const db = openWorkspace(tmp.file('w.sqlite'));
    const problem = db.prepare('SELECT problem FROM latent_vectors WHERE z IS NULL').pluck().all() as string[];
    db.close();
    expect(problem).toHaveLength(1);
    expect(problem[0]).toContain('[Si]');

    const map = await call('latent.map', { collectionId: cid, colorBy: 'qed', background: 100 });
    expect(map.ids).toHaveLength(smiles.length - 1);
    expect(new Set(map.ids).size).toBe(map.ids.length);
    expect(map.x).toHaveLength(map.ids.length);
    expect(map.y).toHaveLength(map.ids.length);
    expect([...map.x, ...map.y].every(Number.isFinite)).toBe(true);
    // not all on one point: the molecules differ, so do their projections
    expect(new Set(map.x).size).toBeGreaterThan(1);
    expect(map.values).toHaveLength(map.ids.length);
    expect(map.values!.every((v) => typeof v === 'number' && v > 0 && v < 1)).toBe(true);

    // the model's confidence in each encoded molecule, scored by the same job: a colour of the map
    const fit = await call('latent.map', { collectionId: cid, colorBy: 'model:fit', background: 0 });
    expect(fit.values).toHaveLength(fit.ids.length);
    expect(fit.values!.every((v) => typeof v === 'number' && v > 0 && v < 5)).toBe(true);
    const held = await call('latent.map', { collectionId: cid, colorBy: 'model:held', background: 0 });
    expect(held.values!.every((v) => v === 0 || v === 1)).toBe(true);
    // ZINC validation molecules: the shipped model holds most of them (about 3 in 4)
    expect(held.values!.filter((v) => v === 1).length).toBeGreaterThan(smiles.length / 3);
    // those it holds exactly fit better, on the whole, than those it does not
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const fits = fit.values as number[], flags = held.values as number[];
    if (flags.includes(0)) expect(mean(fits.filter((_, i) => flags[i] === 1))).toBeLessThan(mean(fits.filter((_, i) => flags[i] === 0)));
    expect(map).toMatchObject({ missing: 0, unencodable: 1 });
    expect(map.axes[0]).toMatch(/^PC1 \([\d.]+ % of variance\)$/);
    expect(map.axes[1]).toMatch(/^PC2 /);
    expect(map.background.x.length).toBe(map.background.y.length);
    expect(map.background.x.length).toBeLessThanOrEqual(100);
    // re-coloured (the points are kept): the same points, the values of the new key, then the first again
    const byWeight = await call('latent.map', { collectionId: cid, colorBy: 'mol_wt' });
    expect([byWeight.ids, byWeight.x, byWeight.y]).toEqual([map.ids, map.x, map.y]);
    const weights = await call('collections.molecules', { collectionId: cid, offset: 0, limit: 100 });
    const weightOf = new Map(weights.rows.map((r) => [r.id, r.props.mol_wt]));
    expect(byWeight.values).toEqual(map.ids.map((id) => weightOf.get(id)));
    expect((await call('latent.map', { collectionId: cid, colorBy: 'qed' })).values).toEqual(map.values);
    expect((await call('latent.map', { collectionId: cid })).values).toBeNull();
    const rows = await call('collections.molecules', { collectionId: cid, offset: 0, limit: 100 });
    expect(new Set(map.ids)).toEqual(new Set(rows.rows.filter((r) => r.canonicalSmiles !== rows.rows.at(-1)!.canonicalSmiles).map((r) => r.id)));

    // a second run has nothing left to do: encoded molecules and the unencodable one are not redone
    const again = await core.whenJobFinished((await call('latent.encodeCollection', { collectionId: cid })).jobId);
    expect(again.result).toMatchObject({ encoded: 0, unencodable: 0, totalEncoded: smiles.length - 1, totalUnencodable: 1 });

    // deleting the collection stops its encode job first; its vectors go with its molecules
    const third = await call('latent.encodeCollection', { collectionId: cid });
    expect(await call('latent.encodeCollection', { collectionId: cid })).toEqual(third);
    expect(await call('collections.delete', { id: cid })).toEqual({ deleted: true });
    expect(['cancelled', 'done']).toContain((await core.whenJobFinished(third.jobId)).status);
    const after = openWorkspace(tmp.file('w.sqlite'));
    expect(after.prepare('SELECT count(*) FROM latent_vectors').pluck().get()).toBe(0);
    after.close();
    await expect(call('latent.map', { collectionId: cid })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses what a user can get wrong', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const cid = (await call('candidates.keep', { smiles: 'CCO', provenance: { operation: 'manual', seed: null, params: {}, model: null, modelSha256: null, randomSeed: null, createdAt: new Date().toISOString() } })).list.id;
    await expect(call('latent.map', { collectionId: cid, colorBy: "it's" })).rejects.toMatchObject({ status: 400 });
    await expect(call('latent.encodeCollection', { collectionId: 999 })).rejects.toMatchObject({ status: 404 });
    await expect(call('latent.encodeCollection', { collectionId: cid, model: tmp.file('no-such-bundle') })).rejects.toMatchObject({ status: 400 });
    await expect(call('latent.map', { collectionId: cid, model: 'no-such-model' })).rejects.toMatchObject({ status: 400 });
  });

  it('keeps what a cancelled encode wrote and continues from there', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const smiles = zincValid(1200);
    const cid = await importSmiles(smiles, false);
    const n = (await call('collections.get', { id: cid })).moleculeCount;

    const { jobId } = await call('latent.encodeCollection', { collectionId: cid });
    await new Promise<void>((resolve) => {
      const off = core!.onEvent((event, payload) => {
        const p = payload as { jobId: number; done: number };
        if (event === 'job.progress' && p.jobId === jobId && p.done > 0) {
          off();
          resolve();
        }
      });
    });
    expect(await call('jobs.cancel', { id: jobId })).toEqual({ cancelled: true });
    const cancelled = await core.whenJobFinished(jobId);
    expect(cancelled.status).toBe('cancelled');

    const partial = await call('latent.map', { collectionId: cid });
    expect(partial.ids.length).toBeGreaterThan(0);
    expect(partial.ids.length + partial.missing + partial.unencodable).toBe(n);
    expect(partial.missing).toBeGreaterThan(0);

    const rest = await core.whenJobFinished((await call('latent.encodeCollection', { collectionId: cid })).jobId);
    expect(rest.status).toBe('done');
    const r = rest.result as { encoded: number; unencodable: number; totalEncoded: number; totalUnencodable: number };
    expect(r.encoded + r.unencodable).toBe(partial.missing);
    expect(r.totalEncoded + r.totalUnencodable).toBe(n);
    const full = await call('latent.map', { collectionId: cid });
    expect(full.missing).toBe(0);
    expect(full.ids.length).toBe(r.totalEncoded);
    // the first run's points are unchanged by the second
    const byId = new Map(full.ids.map((id, i) => [id, [full.x[i], full.y[i]]]));
    partial.ids.forEach((id, i) => expect(byId.get(id)).toEqual([partial.x[i], partial.y[i]]));
  });
});
