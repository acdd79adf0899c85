// The active model's confidence where properties go beyond the table (issue 13, item 3): a scatter of model fit
// against a property, coloured by held exactly, a shortlist leaning toward fit or held, and a grid's legend, on a
// real workspace: a ZINC set (and one molecule the model cannot read) encoded by the shipped model in a real
// encode job, every expectation computed from what the job wrote into latent_vectors and the import into molecules.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { openWorkspace } from '../store/db.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { UNENCODABLE, checkedCall, importSmiles, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';

const float32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
};
const int32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return [...new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
};
/** as a Float32Array holds it, NaN for none */
const f32 = (v: number | null) => (v === null ? NaN : Math.fround(v));

describe("the active model's confidence in plots, shortlists and grids", () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);

  it('plots fit against cLogP coloured by held, pair by pair as stored, leans a shortlist toward them and writes them under a grid', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test', userModelsDir: tmp.file('models') });
    const smiles = [...zincValid(16), UNENCODABLE];
    const cid = await importSmiles(core, tmp.file('set.smi'), smiles);
    const plot = (args: Record<string, unknown> = {}) => call('collections.columnValues', { collectionId: cid, keys: ['model:fit', 'clogp', 'model:held'], ...args });

    // before encoding: the fit and held columns are all missing, cLogP is there
    const before = await plot();
    expect(float32(before.columns[0].values).every(Number.isNaN)).toBe(true);
    expect(float32(before.columns[1].values).some(Number.isNaN)).toBe(false);

    const job = await core.whenJobFinished((await call('latent.encodeCollection', { collectionId: cid })).jobId);
    expect(job.status).toBe('done');
    const sha = (job.result as { modelSha256: string }).modelSha256;
    const db = openWorkspace(tmp.file('w.sqlite'));
    const stored = db
      .prepare(
        'SELECT m.id, m.clogp, v.neg_elbo AS fit, v.held FROM molecules m LEFT JOIN latent_vectors v ON v.model_sha256 = ? AND v.molecule_id = m.id AND v.z IS NOT NULL WHERE m.collection_id = ? ORDER BY m.id',
      )
      .all(sha, cid) as { id: number; clogp: number; fit: number | null; held: number | null }[];
    db.close();
    const scored = stored.filter((s) => s.fit !== null);
    // every molecule but the one the model cannot read, and both held and not held among them
    expect(scored).toHaveLength(smiles.length - 1);
    expect(new Set(scored.map((s) => s.held))).toEqual(new Set([0, 1]));

    // the scatter's columns: in id order, each molecule's fit beside its own cLogP and held as 1 / 0
    const after = await plot();
    expect(after.count).toBe(stored.length);
    expect(int32(after.ids)).toEqual(stored.map((s) => s.id));
    expect(after.columns.map((c) => c.key)).toEqual(['model:fit', 'clogp', 'model:held']);
    expect(float32(after.columns[0].values)).toEqual(stored.map((s) => f32(s.fit)));
    expect(float32(after.columns[1].values)).toEqual(stored.map((s) => f32(s.clogp)));
    expect(float32(after.columns[2].values)).toEqual(stored.map((s) => f32(s.held)));

    // following the table's filter on fit: only the pairs that pass
    const median = scored.map((s) => s.fit!).sort((a, b) => a - b)[Math.floor(scored.length / 2)];
    const filtered = await plot({ filter: { ranges: [{ key: 'model:fit', max: median }] } });
    const passing = scored.filter((s) => s.fit! <= median);
    expect(int32(filtered.ids)).toEqual(passing.map((s) => s.id));
    expect(float32(filtered.columns[0].values)).toEqual(passing.map((s) => f32(s.fit)));
    expect(float32(filtered.columns[1].values)).toEqual(passing.map((s) => f32(s.clogp)));

    // a shortlist leaning toward fit starts at the best fit (low) or the worst (high); toward held, at a held one
    const first = async (key: string, direction: 'min' | 'max') => {
      const done = await call('candidates.shortlist', { collectionId: cid, count: 1, randomSeed: 0, listName: `${key} ${direction}`, weightBy: { key, direction } });
      const [row] = (await call('collections.molecules', { collectionId: done.list.id, offset: 0, limit: 1 })).rows;
      return row.canonicalSmiles;
    };
    const smilesOf = async (id: number) => (await call('collections.moleculesByIds', { ids: [id] })).rows[0].canonicalSmiles;
    const byFit = [...scored].sort((a, b) => a.fit! - b.fit!);
    expect(await first('model:fit', 'min')).toBe(await smilesOf(byFit[0].id));
    expect(await first('model:fit', 'max')).toBe(await smilesOf(byFit.at(-1)!.id));
    // (held ties: any held molecule may come first)
    const heldSmiles = new Set(await Promise.all(scored.filter((s) => s.held === 1).map((s) => smilesOf(s.id))));
    expect(heldSmiles.has(await first('model:held', 'max'))).toBe(true);
    expect(heldSmiles.has(await first('model:held', 'min'))).toBe(false);

    // a grid's legend: fit to the table's 3 decimals, held yes / no, a dash where the model has not encoded
    const { svg } = await call('collections.grid', { collectionId: cid, legend: ['name', 'model:fit', 'model:held'] });
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const s of stored) {
      const at = texts.indexOf(`m${stored.indexOf(s) + 1}`);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(texts[at + 1]).toBe(`model fit: ${s.fit === null ? '–' : s.fit.toFixed(3)}`);
      expect(texts[at + 2]).toBe(`held exactly: ${s.held === null ? '–' : s.held === 1 ? 'yes' : 'no'}`);
    }
  });
});
