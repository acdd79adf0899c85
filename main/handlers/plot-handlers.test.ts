// Plots, live counts and shortlists through the core, as hosts call them: a real workspace with 300 ZINC
// molecules imported and their properties computed by RDKit. Expected values come from the stored rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviation, mean, median } from 'd3-array';
import type { CallName, MoleculeRow } from '../api/contract.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { histogram } from './plot-handlers.ts';
import { checkedCall, importSmiles, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';

const floats = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const ints = (b64: string) => new Int32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

describe('plot, count and shortlist calls', () => {
  const tmp = tempDir();
  let core: LocalCore;
  let cid: number;
  let rows: MoleculeRow[];
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core, name, args);

  beforeAll(async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    cid = await importSmiles(core, tmp.file('set.smi'), zincValid(300));
    rows = (await call('collections.molecules', { collectionId: cid, offset: 0, limit: 2000 })).rows;
  }, 120_000);
  afterAll(async () => {
    await core.close();
    tmp.remove();
  });

  it('answers columns as typed arrays parallel to the ids', async () => {
    const r = await call('collections.columnValues', { collectionId: cid, keys: ['mol_wt', 'clogp', 'name'] });
    expect(r.count).toBe(rows.length);
    const ids = ints(r.ids);
    const mw = floats(r.columns[0].values);
    const byId = new Map(rows.map((m) => [m.id, m]));
    expect(ids.length).toBe(rows.length);
    for (let i = 0; i < ids.length; i++) expect(mw[i]).toBeCloseTo(byId.get(ids[i])!.props.mol_wt as number, 2);
    // a text column is no number: every value missing
    expect([...floats(r.columns[2].values)].every(Number.isNaN)).toBe(true);
    const filtered = await call('collections.columnValues', { collectionId: cid, keys: ['mol_wt'], filter: { ranges: [{ key: 'mol_wt', max: 300 }] } });
    expect(filtered.count).toBe(rows.filter((m) => (m.props.mol_wt as number) <= 300).length);
  });

  it('describes columns: count, missing, mean, median, sd, min, max and a histogram that counts every value', async () => {
    const { rows: n, stats } = await call('collections.columnStats', { collectionId: cid, keys: ['clogp', 'hbd'], bins: 20 });
    expect(n).toBe(rows.length);
    const clogp = rows.map((m) => m.props.clogp as number);
    const [c, h] = stats;
    expect(c).toMatchObject({ key: 'clogp', count: clogp.length, missing: 0, min: Math.min(...clogp), max: Math.max(...clogp) });
    expect(c.mean).toBeCloseTo(mean(clogp)!, 9);
    expect(c.median).toBeCloseTo(median(clogp)!, 9);
    expect(c.sd).toBeCloseTo(deviation(clogp)!, 9);
    expect(c.counts).toHaveLength(20);
    expect(c.counts.reduce((a, b) => a + b, 0)).toBe(clogp.length);
    // whole numbers over a short span: one bin per value, centred on it
    const hbd = rows.map((m) => m.props.hbd as number);
    expect(h.counts).toHaveLength(Math.max(...hbd) - Math.min(...hbd) + 1);
    expect(h.counts[0]).toBe(hbd.filter((v) => v === Math.min(...hbd)).length);
  });

  it("bins the passing molecules on the collection's range when asked, so the two histograms line up", async () => {
    const filter = { ranges: [{ key: 'clogp', min: 2 }] };
    const whole = (await call('collections.columnStats', { collectionId: cid, keys: ['clogp'], bins: 20 })).stats[0];
    const passing = (await call('collections.columnStats', { collectionId: cid, keys: ['clogp'], bins: 20, filter, binRanges: { clogp: [whole.min, whole.max] } })).stats[0];
    expect(passing.edges).toEqual(whole.edges);
    expect(passing.count).toBe(rows.filter((m) => (m.props.clogp as number) >= 2).length);
    expect(passing.counts.reduce((a, b) => a + b, 0)).toBe(passing.count);
    passing.counts.forEach((n, i) => expect(n).toBeLessThanOrEqual(whole.counts[i]));
  });

  it('puts the maximum in the last bin and keeps a constant column in one', () => {
    // width 2.625: 0 1 2 | 3 4 | - | 10.5 (the maximum, in the last bin, not one of its own)
    expect(histogram([0, 1, 2, 3, 4, 10.5], 4).counts).toEqual([3, 2, 0, 1]);
    expect(histogram([2.5, 2.5], 10).counts).toEqual([2]);
    expect(histogram([], 10).counts).toEqual([]);
  });

  it('counts a filter live, and answers a query that does not parse with its reason, not a refusal', async () => {
    const phenol = await call('collections.count', { collectionId: cid, filter: { ranges: [], substructure: '[OH]c1ccccc1' } });
    const asSmiles = await call('collections.count', { collectionId: cid, filter: { ranges: [], substructure: 'Oc1ccccc1', mode: 'smiles' } });
    expect(phenol.queryError).toBeNull();
    // SMILES leaves the O's hydrogens free: ethers and esters of phenols match too
    expect(asSmiles.count!).toBeGreaterThanOrEqual(phenol.count!);
    const bad = await call('collections.count', { collectionId: cid, filter: { ranges: [], substructure: 'C1CC(' } });
    expect(bad.count).toBeNull();
    expect(bad.queryError).toMatch(/not a valid smarts/i);
  });

  it('shortlists N diverse molecules into a candidate list, the same for the same seed', async () => {
    const a = await call('candidates.shortlist', { collectionId: cid, count: 12, randomSeed: 4, listName: 'diverse A' });
    const b = await call('candidates.shortlist', { collectionId: cid, count: 12, randomSeed: 4, listName: 'diverse B' });
    expect(a.picked).toBe(12);
    expect(a.pool).toBe(rows.length);
    expect(a.list.kind).toBe('candidates');
    const listed = async (id: number) => (await call('collections.molecules', { collectionId: id, offset: 0, limit: 100 })).rows;
    const [la, lb] = [await listed(a.list.id), await listed(b.list.id)];
    expect(la.map((m) => m.canonicalSmiles)).toEqual(lb.map((m) => m.canonicalSmiles));
    expect(la[0].userProps).toMatchObject({ operation: 'shortlist', random_seed: 4, pick: 1 });
    expect(la[0].props.mol_wt).toBeTypeOf('number');
    // from a selection: only the selected can be picked
    const selected = rows.slice(0, 40).map((m) => m.id);
    const s = await call('candidates.shortlist', { collectionId: cid, count: 5, ids: selected, listName: 'from selection' });
    const fromSel = new Set(rows.slice(0, 40).map((m) => m.canonicalSmiles));
    expect((await listed(s.list.id)).every((m) => fromSel.has(m.canonicalSmiles))).toBe(true);
    expect(s.pool).toBe(40);
  });
});
