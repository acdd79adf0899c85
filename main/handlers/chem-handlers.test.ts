// The chemistry calls through the core, as hosts call them: real workspace, real import and properties jobs,
// real RDKit. Expected values come from the molecules' own stored properties, never typed in.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, Collection, MoleculeRow } from '../api/contract.ts';
import { PROPERTY_DEFS } from '../api/properties.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { checkedCall } from './test-core.ts';
import type { LocalCore } from './types.ts';

const SAMPLES = new URL('../../../shared/data/samples/', import.meta.url).pathname;
const SMI = [
  'CCO ethanol',
  'c1ccccc1 benzene',
  'CC(=O)Nc1ccc(O)cc1 paracetamol',
  'CC(=O)Oc1ccccc1C(=O)O aspirin',
  'Cn1cnc2c1c(=O)n(C)c(=O)n2C caffeine',
  'CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen',
  'c1ccc2ccccc2c1 naphthalene',
  'OC(=O)c1ccccc1O salicylic-acid',
].join('\n');

describe('chemistry calls', () => {
  const tmp = tempDir();
  let core: LocalCore;
  let cid: number;

  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core, name, args);
  async function importFile(path: string, extra: object = {}): Promise<number> {
    const { jobId } = await call('collections.import', { source: { kind: 'path', path }, ...extra });
    const job = await core.whenJobFinished(jobId);
    expect(job.status, job.error ?? '').toBe('done');
    const r = job.result as { collectionId: number; propertiesJobId?: number };
    if (r.propertiesJobId) expect((await core.whenJobFinished(r.propertiesJobId)).status).toBe('done');
    return r.collectionId;
  }
  const all = async (collectionId: number): Promise<MoleculeRow[]> => (await call('collections.molecules', { collectionId, offset: 0, limit: 2000 })).rows;

  beforeAll(async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    writeFileSync(tmp.file('set.smi'), SMI);
    cid = await importFile(tmp.file('set.smi'));
  }, 60_000);
  afterAll(async () => {
    await core.close();
    tmp.remove();
  });

  it('filters by property ranges in SQL and by substructure, sorted, with bounds from propertyStats', async () => {
    const rows = await all(cid);
    const { stats } = await call('collections.propertyStats', { collectionId: cid });
    const mw = stats.find((s) => s.key === 'mol_wt')!;
    const weights = rows.map((r) => r.props.mol_wt as number);
    expect(mw).toEqual({ key: 'mol_wt', min: Math.min(...weights), max: Math.max(...weights), count: rows.length });
    expect(stats.find((s) => s.key === 'qed')!.count).toBe(rows.length);

    const ranges = [{ key: 'mol_wt', min: 100, max: 200 }, { key: 'qed', min: 0.4 }];
    const expected = rows.filter((r) => (r.props.mol_wt as number) >= 100 && (r.props.mol_wt as number) <= 200 && (r.props.qed as number) >= 0.4);
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(rows.length);
    const page = await call('collections.molecules', { collectionId: cid, offset: 0, limit: 50, filter: { ranges }, sort: { key: 'qed', descending: true } });
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.name)).toEqual([...expected].sort((a, b) => (b.props.qed as number) - (a.props.qed as number)).map((r) => r.name));

    // carboxylic acids: aspirin, ibuprofen, salicylic acid
    const acids = await call('collections.molecules', { collectionId: cid, offset: 0, limit: 50, filter: { substructure: 'C(=O)[OH]' } });
    expect(acids.rows.map((r) => r.name)).toEqual(['aspirin', 'ibuprofen', 'salicylic-acid']);
    const both = await call('collections.molecules', { collectionId: cid, offset: 0, limit: 50, filter: { substructure: 'C(=O)[OH]', ranges: [{ key: 'mol_wt', max: 190 }] } });
    expect(both.rows.map((r) => r.name)).toEqual(rows.filter((r) => ['aspirin', 'ibuprofen', 'salicylic-acid'].includes(r.name!) && (r.props.mol_wt as number) <= 190).map((r) => r.name));
  });

  it('makes a filtered collection with the properties copied', async () => {
    const c: Collection = await call('collections.createFromFilter', { collectionId: cid, name: 'acids', filter: { substructure: 'C(=O)[OH]' } });
    expect(c).toMatchObject({ name: 'acids', kind: 'filtered', moleculeCount: 3, propertiesDone: 3 });
    const copied = await all(c.id);
    const source = new Map((await all(cid)).map((r) => [r.name, r]));
    expect(copied.map((r) => r.position)).toEqual([1, 2, 3]);
    for (const r of copied) expect(r.props).toEqual(source.get(r.name)!.props);
  });

  it('searches by similarity (best first, with the similarity) and substructure', async () => {
    const sim = await call('chem.search', { collectionId: cid, similar: 'CC(=O)Oc1ccccc1C(=O)O', top: 3 });
    expect(sim.rows[0]).toMatchObject({ name: 'aspirin', similarity: 1 });
    expect(sim.rows).toHaveLength(3);
    const s = sim.rows.map((r) => r.similarity!);
    expect([...s].sort((a, b) => b - a)).toEqual(s);
    const sub = await call('chem.search', { collectionId: cid, substructure: 'c1ccccc1', top: 2 });
    expect(sub.total).toBe(6);
    expect(sub.rows.map((r) => [r.name, r.similarity])).toEqual([['benzene', null], ['paracetamol', null]]);
    const ranked = await call('chem.search', { collectionId: cid, substructure: 'C(=O)[OH]', similar: 'OC(=O)c1ccccc1', top: 10 });
    expect(ranked.rows.map((r) => r.name).sort()).toEqual(['aspirin', 'ibuprofen', 'salicylic-acid']);
    await expect(call('chem.search', { collectionId: cid, substructure: 'C(((' })).rejects.toMatchObject({ status: 400 });
    await expect(call('chem.search', { collectionId: cid })).rejects.toMatchObject({ status: 400 });
  });

  it('reads a substructure as SMARTS unless mode is smiles, in search and in the filter, and says which mode failed', async () => {
    const names = async (args: object) => (await call('chem.search', { collectionId: cid, top: 50, ...args })).rows.map((r) => r.name);
    const filtered = async (filter: object) => (await call('collections.molecules', { collectionId: cid, offset: 0, limit: 50, filter })).rows.map((r) => r.name);
    // [OH] requires the H: the phenols, not aspirin's aryl ester
    expect(await names({ substructure: '[OH]c1ccccc1' })).toEqual(['paracetamol', 'salicylic-acid']);
    expect(await names({ substructure: '[OH]c1ccccc1', mode: 'smarts' })).toEqual(['paracetamol', 'salicylic-acid']);
    expect(await filtered({ substructure: '[OH]c1ccccc1' })).toEqual(['paracetamol', 'salicylic-acid']);
    // as SMILES the query is phenol as drawn, its H free: the ester's oxygen matches too
    expect(await names({ substructure: '[OH]c1ccccc1', mode: 'smiles' })).toEqual(['paracetamol', 'aspirin', 'salicylic-acid']);
    expect(await filtered({ substructure: '[OH]c1ccccc1', mode: 'smiles' })).toEqual(['paracetamol', 'aspirin', 'salicylic-acid']);
    await expect(call('chem.search', { collectionId: cid, substructure: '[#8;R]', mode: 'smiles' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^Not a valid SMILES query: \[#8;R\]: .+choose SMARTS/) });
    await expect(call('collections.molecules', { collectionId: cid, offset: 0, limit: 5, filter: { substructure: 'C(((' } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^Not a valid SMARTS query: C\(\(\(: syntax error/) });
    await expect(call('chem.search', { collectionId: cid, substructure: 'c1ccccc1', mode: 'smirks' })).rejects.toThrow(/expected one of "smarts"\|"smiles"/);
  });

  it('does not answer from the index of a deleted collection whose id was given again', async () => {
    const acids = await call('collections.createFromFilter', { collectionId: cid, name: 'acids-2', filter: { substructure: 'C(=O)[OH]' } });
    expect((await call('chem.search', { collectionId: acids.id, substructure: 'c1ccccc1' })).total).toBe(3);
    await call('collections.delete', { id: acids.id });
    // three molecules again, only one of them an acid
    const mid = await call('collections.createFromFilter', { collectionId: cid, name: 'mid', filter: { ranges: [{ key: 'mol_wt', min: 120, max: 160 }] } });
    expect(mid.moleculeCount).toBe(3);
    const hits = await call('chem.search', { collectionId: mid.id, substructure: 'C(=O)[OH]' });
    expect(hits.rows.map((r) => [r.name, r.collectionId])).toEqual([['salicylic-acid', mid.id]]);
    await call('collections.delete', { id: mid.id });
  });

  it('exports CSV, SD and SMILES that import back with the same structures and values', async () => {
    const source = await all(cid);
    for (const format of ['csv', 'sdf', 'smi'] as const) {
      const path = tmp.file(`out.${format}`);
      expect(await call('collections.export', { collectionId: cid, format, path })).toMatchObject({ path, count: source.length, base64: null });
      const back = await all(await importFile(path, { name: `back-${format}`, properties: false }));
      expect(back.map((r) => [r.name, r.canonicalSmiles])).toEqual(source.map((r) => [r.name, r.canonicalSmiles]));
      if (format !== 'smi') {
        // the computed properties come back as user columns with the same values, to the panel's digits (exports round to them)
        const digits = PROPERTY_DEFS.find((d) => d.key === 'mol_wt')!.digits!;
        for (const [i, r] of back.entries()) {
          expect(Math.abs((r.userProps.mol_wt as number) - (source[i].props.mol_wt as number))).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
          expect(r.userProps.hbd).toBe(source[i].props.hbd);
        }
      }
    }
    const inline = await call('collections.export', { collectionId: cid, format: 'smi', filter: { substructure: 'C(=O)[OH]', ranges: [] } });
    expect(inline).toMatchObject({ path: null, fileName: 'set.smi', count: 3 });
    expect(Buffer.from(inline.base64!, 'base64').toString()).toBe(readFileSync(tmp.file('out.smi'), 'utf8').split('\n').filter((l) => /aspirin|ibuprofen|salicylic/.test(l)).join('\n') + '\n');
    await expect(call('collections.export', { collectionId: cid, format: 'csv', path: tmp.file('no/such/dir/x.csv') })).rejects.toMatchObject({ status: 400 });
  });

  it('joins a values CSV onto a collection by name (ChEMBL series and activities)', async () => {
    const series = await importFile(`${SAMPLES}chembl2321810-series.smi`, { properties: false });
    const result = await call('collections.joinValues', { collectionId: series, source: { kind: 'path', path: `${SAMPLES}chembl2321810-activities.csv` } });
    const activities = readFileSync(`${SAMPLES}chembl2321810-activities.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const rows = await all(series);
    const names = new Set(rows.map((r) => r.name));
    expect(result.columns).toEqual(['Act']);
    expect(result.matched).toBe(activities.filter(([n]) => names.has(n)).length);
    expect(result.matched + result.unmatched).toBe(activities.length);
    expect(result.matched).toBeGreaterThan(activities.length / 2);
    const act = new Map(activities.map(([n, v]) => [n, Number(v)]));
    for (const r of rows.slice(0, 50)) if (act.has(r.name!)) expect(r.userProps.Act).toBe(act.get(r.name!));
    expect((await call('collections.get', { id: series })).userColumns).toContain('Act');
    const { stats } = await call('collections.propertyStats', { collectionId: series });
    expect(stats.find((s) => s.key === 'user:Act')!.count).toBe(result.matched);
    const filtered = await call('collections.molecules', { collectionId: series, offset: 0, limit: 5, filter: { ranges: [{ key: 'user:Act', min: 7 }] } });
    expect(filtered.total).toBe(rows.filter((r) => typeof r.userProps.Act === 'number' && r.userProps.Act >= 7).length);
  }, 60_000);

  it('says 404 for a collection that does not exist and 400 for a bad key', async () => {
    await expect(call('collections.propertyStats', { collectionId: 9999 })).rejects.toMatchObject({ status: 404 });
    await expect(call('chem.search', { collectionId: 9999, similar: 'CCO' })).rejects.toMatchObject({ status: 404 });
    await expect(call('collections.molecules', { collectionId: cid, offset: 0, limit: 5, filter: { ranges: [{ key: "x'y", min: 1 }] } })).rejects.toMatchObject({ status: 400 });
  });
});
