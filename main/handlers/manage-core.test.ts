// The table's and sidebar's calls (issue 17, items 1, 2, 6) through the core as hosts call it, on a real
// workspace with a CSV of the shape chemists bring (an IUPAC-style name, an assay column with a qualifier, a
// 0/1 flag, a series label): ids in the table's order, a selection kept as a list and as a collection, duplicate,
// delete with undo, candidates removed and put back at their places, and column types judged from every value.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { decimalsOf } from './manage-handlers.ts';
import { checkedCall } from './test-core.ts';
import type { LocalCore } from './types.ts';

const CSV = [
  'smiles,iupac,pIC50,active,series,mw_file',
  'c1ccccc1,benzene,>10,1,A,78.11399999999999',
  'Cc1ccccc1,toluene,5.5,0,A,92.141',
  'CCO,ethanol,6.25,1,B,46.069',
  'CCN,ethanamine,7.1,0,B,45.085',
  'CCCl,chloroethane,,1,A,64.51',
  'c1ccncc1,pyridine,4.75,0,C,79.102',
].join('\n');

describe('collection management and selection calls', () => {
  const tmp = tempDir();
  let core: LocalCore;
  let id: number;
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core, name, args);

  beforeEach(async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    writeFileSync(tmp.file('assay.csv'), CSV);
    const { jobId } = await call('collections.import', { source: { kind: 'path', path: tmp.file('assay.csv') }, properties: false });
    const job = await core.whenJobFinished(jobId);
    expect(job.status).toBe('done');
    id = (job.result as { collectionId: number }).collectionId;
  });
  afterEach(async () => {
    await core.close();
    tmp.remove();
  });

  it('gives ids in the table order, filtered, sorted and paged as the table is', async () => {
    const all = await call('collections.ids', { collectionId: id });
    expect(all.total).toBe(6);
    const rows = await call('collections.molecules', { collectionId: id, offset: 0, limit: 10, sort: { key: 'user:pIC50', descending: true } });
    const sorted = await call('collections.ids', { collectionId: id, sort: { key: 'user:pIC50', descending: true } });
    expect(sorted.ids).toEqual(rows.rows.map((r) => r.id));
    const filter = { ranges: [{ key: 'user:pIC50', min: 5 }] };
    const window = await call('collections.molecules', { collectionId: id, offset: 0, limit: 10, filter, sort: { key: 'name', descending: false } });
    const passing = await call('collections.ids', { collectionId: id, filter, sort: { key: 'name', descending: false } });
    expect(passing.total).toBe(3); // 5.5, 6.25, 7.1: the '>10' text and the empty cell do not pass
    expect(passing.ids).toEqual(window.rows.map((r) => r.id));
    const range = await call('collections.ids', { collectionId: id, offset: 1, limit: 2 });
    expect(range.ids).toEqual(all.ids.slice(1, 3));
    const byIds = await call('collections.moleculesByIds', { ids: [all.ids[3], all.ids[0], 999_999] });
    expect(byIds.rows.map((r) => r.canonicalSmiles)).toEqual(['CCN', 'c1ccccc1']);
  });

  it('exports a selection with numbers rounded (raw when asked) and the file column names kept', async () => {
    const { ids } = await call('collections.ids', { collectionId: id });
    const csv = await call('collections.export', { collectionId: id, format: 'csv', ids: [ids[0], ids[2]] });
    const text = Buffer.from(csv.base64!, 'base64').toString();
    const lines = text.trim().split('\n');
    expect(csv.count).toBe(2);
    expect(lines[0]).toMatch(/^smiles,name,.*,iupac,pIC50,active,series,mw_file$/);
    expect(lines[1]).toMatch(/,benzene,>10,1,A,78\.114$/);
    expect(text).not.toMatch(/\d{9}/);
    const raw = await call('collections.export', { collectionId: id, format: 'csv', ids: [ids[0]], raw: true });
    expect(Buffer.from(raw.base64!, 'base64').toString()).toContain('78.11399999999999');
  });

  it('judges each column from all its values', async () => {
    const { columns } = await call('collections.columns', { collectionId: id });
    const byKey = Object.fromEntries(columns.map((c) => [c.key, c]));
    expect(byKey['user:pIC50']).toMatchObject({ type: 'number', count: 5, missing: 1, decimals: 2 });
    expect(byKey['user:active']).toMatchObject({ type: 'boolean', count: 6, missing: 0 });
    expect(byKey['user:series']).toMatchObject({ type: 'category', distinct: 3 });
    expect(byKey['user:mw_file']).toMatchObject({ type: 'number', decimals: 3 });
    expect(decimalsOf(276.42400000000004)).toBe(3);
    expect(decimalsOf(7)).toBe(0);
  });

  it('keeps a selection as a candidate list or a collection, and duplicates', async () => {
    const { ids } = await call('collections.ids', { collectionId: id });
    const list = await call('collections.createFromIds', { collectionId: id, ids: [ids[4], ids[1]], name: 'Picked', kind: 'candidates' });
    expect(list).toMatchObject({ kind: 'candidates', moleculeCount: 2 });
    expect(list.userColumns.slice(0, 2)).toEqual(['rating', 'note']);
    expect(list.userColumns).toContain('pIC50');
    const rows = (await call('collections.molecules', { collectionId: list.id, offset: 0, limit: 10 })).rows;
    expect(rows.map((r) => r.canonicalSmiles)).toEqual(['Cc1ccccc1', 'CCCl']); // file order, not pick order
    expect(rows[0].userProps).toMatchObject({ operation: 'manual', rating: 0, pIC50: 5.5 });
    const plain = await call('collections.createFromIds', { collectionId: id, ids: [ids[0]], name: 'One' });
    expect(plain).toMatchObject({ kind: 'filtered', moleculeCount: 1 });
    await expect(call('collections.createFromIds', { collectionId: id, ids: [999_999], name: 'None' })).rejects.toThrow(/None of the 1 molecules/);
    const copy = await call('collections.duplicate', { id });
    expect(copy).toMatchObject({ name: 'assay (copy)', kind: 'imported', moleculeCount: 6 });
    expect(copy.userColumns).toEqual((await call('collections.get', { id })).userColumns);
  });

  it('deletes undoably and restores; a plain delete is for good', async () => {
    expect(await call('collections.delete', { id, undoable: true })).toEqual({ deleted: true });
    expect((await call('collections.list', {})).map((c) => c.id)).not.toContain(id);
    await expect(call('collections.molecules', { collectionId: id, offset: 0, limit: 5 })).rejects.toThrow(/no collection/);
    const back = await call('collections.restore', { id });
    expect(back.moleculeCount).toBe(6);
    expect((await call('collections.molecules', { collectionId: id, offset: 0, limit: 5 })).total).toBe(6);
    await call('collections.delete', { id });
    await expect(call('collections.restore', { id })).rejects.toThrow(/no deleted collection/);
  });

  it('removes candidates restorably and puts them back at their places', async () => {
    const { ids } = await call('collections.ids', { collectionId: id });
    const list = await call('collections.createFromIds', { collectionId: id, ids, name: 'All', kind: 'candidates' });
    const before = (await call('collections.molecules', { collectionId: list.id, offset: 0, limit: 10 })).rows;
    await call('candidates.update', { moleculeId: before[2].id, rating: 4, note: 'keep' });
    const gone = await call('candidates.removeMany', { moleculeIds: [before[2].id, before[4].id] });
    expect(gone.removed).toBe(2);
    const during = (await call('collections.molecules', { collectionId: list.id, offset: 0, limit: 10 })).rows;
    expect(during.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    expect((await call('collections.get', { id: list.id })).moleculeCount).toBe(4);
    await expect(call('candidates.removeMany', { moleculeIds: [ids[0]] })).rejects.toThrow(/not a candidate list/);
    expect(await call('candidates.restore', { undo: gone.undo })).toEqual({ restored: 2, listId: list.id });
    const after = (await call('collections.molecules', { collectionId: list.id, offset: 0, limit: 10 })).rows;
    expect(after.map((r) => [r.id, r.position, r.canonicalSmiles])).toEqual(before.map((r) => [r.id, r.position, r.canonicalSmiles]));
    expect(after[2].userProps).toMatchObject({ rating: 4, note: 'keep' });
    await expect(call('candidates.restore', { undo: gone.undo })).rejects.toThrow(/Nothing to restore/);
  });
});
