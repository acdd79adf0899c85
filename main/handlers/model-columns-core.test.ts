// The model's confidence as table columns (issue 13, item 3) through the core, on a real workspace: a ZINC set
// encoded by the shipped model in a real encode job, then paged, sorted, filtered, counted, exported and looked up
// by 'model:fit' / 'model:held', every expectation computed from what the job wrote into latent_vectors. The
// active model decides: switched to another model (which has encoded nothing), the columns are empty.
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { DEFAULT_MODEL_NAME } from '../design/model-path.ts';
import { openWorkspace } from '../store/db.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { UNENCODABLE, checkedCall, importSmiles, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';

describe("the active model's confidence as table columns", () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);

  it('pages, sorts, filters, counts and exports by model fit and held exactly, for the active model only', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test', userModelsDir: tmp.file('models') });
    const smiles = [...zincValid(20), UNENCODABLE];
    const cid = await importSmiles(core, tmp.file('set.smi'), smiles, false);
    const page = (args: Record<string, unknown> = {}) => call('collections.molecules', { collectionId: cid, offset: 0, limit: 100, ...args });

    // before encoding: no confidence, and sorting by it keeps file order (every row empty)
    const before = await page({ sort: { key: 'model:fit', descending: false } });
    expect(before.rows.every((r) => r.confidence === undefined)).toBe(true);
    expect(before.rows.map((r) => r.position)).toEqual(smiles.map((_, i) => i + 1));
    expect((await call('collections.propertyStats', { collectionId: cid })).stats.map((s) => s.key)).not.toContain('model:fit');

    const job = await core.whenJobFinished((await call('latent.encodeCollection', { collectionId: cid })).jobId);
    expect(job.status).toBe('done');
    const sha = (job.result as { modelSha256: string }).modelSha256;

    // what the job wrote; one vector set back to unscored, as vectors written before scores were kept are
    const db = openWorkspace(tmp.file('w.sqlite'));
    const unscored = db.prepare('SELECT molecule_id FROM latent_vectors WHERE model_sha256 = ? AND z IS NOT NULL ORDER BY molecule_id LIMIT 1 OFFSET 3').pluck().get(sha) as number;
    db.prepare('UPDATE latent_vectors SET neg_elbo = NULL, held = NULL WHERE model_sha256 = ? AND molecule_id = ?').run(sha, unscored);
    const stored = db
      .prepare('SELECT m.id, v.neg_elbo AS fit, v.held FROM molecules m LEFT JOIN latent_vectors v ON v.model_sha256 = ? AND v.molecule_id = m.id AND v.z IS NOT NULL WHERE m.collection_id = ? ORDER BY m.id')
      .all(sha, cid) as { id: number; fit: number | null; held: number | null }[];
    db.close();
    const scored = stored.filter((s) => s.fit !== null);
    expect(scored).toHaveLength(smiles.length - 2);
    const unencodableId = stored.at(-1)!.id;

    // every row carries the active model's confidence; the unencodable one none, the unscored one empty values
    const rows = (await page()).rows;
    for (const s of stored) {
      const r = rows.find((x) => x.id === s.id)!;
      if (s.id === unencodableId) expect(r.confidence).toBeUndefined();
      else expect(r.confidence).toEqual({ fit: s.fit, held: s.held === null ? null : s.held === 1 });
    }

    // sorted: the scored by value (ties by id), then the empty ones in file order, in both directions
    const ascending = [...scored].sort((a, b) => a.fit! - b.fit! || a.id - b.id).map((s) => s.id);
    const empty = stored.filter((s) => s.fit === null).map((s) => s.id);
    expect(empty).toEqual([unscored, unencodableId]);
    expect((await page({ sort: { key: 'model:fit', descending: false } })).rows.map((r) => r.id)).toEqual([...ascending, ...empty]);
    expect((await page({ sort: { key: 'model:fit', descending: true } })).rows.map((r) => r.id)).toEqual([...[...ascending].reverse(), ...empty]);
    // a window deep into the order is the same slice
    expect((await page({ offset: 5, limit: 4, sort: { key: 'model:fit', descending: false } })).rows.map((r) => r.id)).toEqual(ascending.slice(5, 9));
    // held: not held (0) first, then held, each in file order
    const heldOrder = [...scored].sort((a, b) => a.held! - b.held! || a.id - b.id).map((s) => s.id);
    expect((await page({ sort: { key: 'model:held', descending: false } })).rows.map((r) => r.id)).toEqual([...heldOrder, ...empty]);

    // filtered: fit at most the median and held; the same through the window, the count and the ids call
    const median = [...scored].map((s) => s.fit!).sort((a, b) => a - b)[Math.floor(scored.length / 2)];
    const filter = { ranges: [{ key: 'model:fit', max: median }, { key: 'model:held', min: 1, max: 1 }] };
    const passing = scored.filter((s) => s.fit! <= median && s.held === 1);
    expect(passing.length).toBeGreaterThan(0);
    expect(passing.length).toBeLessThan(scored.length);
    const filtered = await page({ filter, sort: { key: 'model:fit', descending: true } });
    expect(filtered.total).toBe(passing.length);
    expect(filtered.rows.map((r) => r.id)).toEqual([...passing].sort((a, b) => b.fit! - a.fit! || b.id - a.id).map((s) => s.id));
    expect((await call('collections.count', { collectionId: cid, filter })).count).toBe(passing.length);
    expect((await call('collections.ids', { collectionId: cid, filter, sort: { key: 'model:fit', descending: false } })).ids).toEqual(
      [...passing].sort((a, b) => a.fit! - b.fit! || a.id - b.id).map((s) => s.id),
    );
    expect((await call('collections.ids', { collectionId: cid, sort: { key: 'model:fit', descending: false } })).ids).toEqual([...ascending, ...empty]);

    // the filter panel's bounds and histograms
    const stats = (await call('collections.propertyStats', { collectionId: cid })).stats;
    const fits = scored.map((s) => s.fit!);
    expect(stats.find((s) => s.key === 'model:fit')).toEqual({ key: 'model:fit', min: Math.min(...fits), max: Math.max(...fits), count: scored.length });
    expect(stats.find((s) => s.key === 'model:held')).toMatchObject({ min: 0, max: 1, count: scored.length });
    const [histogram] = (await call('collections.columnStats', { collectionId: cid, keys: ['model:fit'] })).stats;
    expect(histogram).toMatchObject({ key: 'model:fit', count: scored.length, missing: 2 });

    // opened or copied by id: with the confidence
    const [one] = (await call('collections.moleculesByIds', { ids: [ascending[0]] })).rows;
    expect(one.confidence?.fit).toBe(scored.find((s) => s.id === ascending[0])!.fit);

    // CSV export: the two columns when asked (fit to the table's 3 decimals, empty where not encoded), else not
    const csv = async (args: Record<string, unknown>) => {
      const r = await call('collections.export', { collectionId: cid, format: 'csv', ...args });
      return parse(Buffer.from(r.base64!, 'base64').toString('utf8'), { columns: true }) as Record<string, string>[];
    };
    const exported = await csv({ modelColumns: ['model:fit', 'model:held'] });
    expect(exported).toHaveLength(smiles.length);
    stored.forEach((s, i) => {
      expect(exported[i].model_fit_neg_elbo_per_token).toBe(s.fit === null ? '' : String(Number(s.fit.toFixed(3))));
      expect(exported[i].model_held_exactly).toBe(s.held === null ? '' : String(s.held === 1));
    });
    const raw = await csv({ modelColumns: ['model:fit'], raw: true });
    expect(raw.map((r) => r.model_fit_neg_elbo_per_token)).toEqual(stored.map((s) => (s.fit === null ? '' : String(s.fit))));
    expect(raw[0]).not.toHaveProperty('model_held_exactly');
    expect(Object.keys((await csv({}))[0]).some((k) => k.startsWith('model_'))).toBe(false);

    // another active model has encoded nothing here: the columns are empty and sort to file order
    await call('models.setActive', { name: ['zinc250k', 'zinc-chembl'].find((n) => n !== DEFAULT_MODEL_NAME) });
    const other = await page({ sort: { key: 'model:fit', descending: false } });
    expect(other.rows.every((r) => r.confidence === undefined)).toBe(true);
    expect(other.rows.map((r) => r.id)).toEqual(stored.map((s) => s.id));
    expect((await call('collections.count', { collectionId: cid, filter })).count).toBe(0);
    // and back: the shipped default's values again
    await call('models.setActive', { name: DEFAULT_MODEL_NAME });
    expect((await page({ sort: { key: 'model:fit', descending: false } })).rows.map((r) => r.id)).toEqual([...ascending, ...empty]);
  });
});
