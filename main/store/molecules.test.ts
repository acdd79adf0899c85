import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace, type Db } from './db.ts';
import { createCollection, deleteCollection, getCollection, listCollections, renameCollection } from './collections.ts';
import { insertMolecules, listMolecules, moleculesWithoutProperties, setProperties } from './molecules.ts';
import { insertProblems, listProblems } from './problems.ts';
import { tempDir } from './test-util.ts';

describe('molecules and collections repositories', () => {
  const tmp = tempDir();
  let db: Db;
  let cid: number;
  beforeEach(() => {
    db = openWorkspace(tmp.file('w.sqlite'));
    cid = createCollection(db, { name: 'set', kind: 'imported', sourcePath: '/x/set.smi' });
    const smiles = ['CCO', 'c1ccccc1', 'CC(=O)O', 'CCN', 'CCCC'];
    insertMolecules(
      db,
      cid,
      smiles.map((s, i) => ({ position: i + 1, name: i === 2 ? null : `m${5 - i}`, smiles: s, canonicalSmiles: s, sourceLine: i + 1, userProps: i % 2 ? { pIC50: i * 1.5 } : {} })),
    );
    // properties for three of the five: the other two must come last in both directions
    const ids = moleculesWithoutProperties(db, cid, 0, 10).map((m) => m.id);
    setProperties(db, [
      { id: ids[0], props: { mol_wt: 46.07, clogp: -0.0014 } },
      { id: ids[1], props: { mol_wt: 78.11, clogp: 1.69 } },
      { id: ids[3], props: { mol_wt: 45.08, clogp: -0.03 } },
    ]);
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  const names = (rows: { smiles: string }[]) => rows.map((r) => r.smiles);

  it('windows in file order by default', () => {
    expect(names(listMolecules(db, cid, 1, 2))).toEqual(['c1ccccc1', 'CC(=O)O']);
  });

  it('sorts by a typed property with the empty ones last in both directions, across window edges', () => {
    expect(names(listMolecules(db, cid, 0, 10, { key: 'mol_wt', descending: false }))).toEqual(['CCN', 'CCO', 'c1ccccc1', 'CC(=O)O', 'CCCC']);
    expect(names(listMolecules(db, cid, 0, 10, { key: 'mol_wt', descending: true }))).toEqual(['c1ccccc1', 'CCO', 'CCN', 'CC(=O)O', 'CCCC']);
    expect(names(listMolecules(db, cid, 2, 2, { key: 'mol_wt', descending: false }))).toEqual(['c1ccccc1', 'CC(=O)O']);
    expect(names(listMolecules(db, cid, 4, 2, { key: 'mol_wt', descending: false }))).toEqual(['CCCC']);
  });

  it('sorts by name, by a user column and by a JSON-only property', () => {
    expect(names(listMolecules(db, cid, 0, 10, { key: 'name', descending: false }))).toEqual(['CCCC', 'CCN', 'c1ccccc1', 'CCO', 'CC(=O)O']);
    expect(names(listMolecules(db, cid, 0, 10, { key: 'user:pIC50', descending: true }))).toEqual(['CCN', 'c1ccccc1', 'CCO', 'CC(=O)O', 'CCCC']);
    // a column name as files have them: spaces, brackets, units
    db.prepare(`UPDATE molecules SET user_props = json_set(coalesce(user_props, '{}'), '$."IC50 [µM] / n=3"', position) WHERE collection_id = ?`).run(cid);
    expect(names(listMolecules(db, cid, 0, 2, { key: 'user:IC50 [µM] / n=3', descending: true }))).toEqual(['CCCC', 'CCN']);
    setProperties(db, [{ id: listMolecules(db, cid, 4, 1)[0].id, props: { qed: 0.4 } }]);
    expect(names(listMolecules(db, cid, 0, 1, { key: 'qed', descending: false }))).toEqual(['CCCC']);
    expect(() => listMolecules(db, cid, 0, 1, { key: 'a"b', descending: false })).toThrow(/Cannot sort by/);
    expect(() => listMolecules(db, cid, 0, 1, { key: "user:x'); DROP TABLE molecules; --", descending: false })).toThrow(/Cannot sort by/);
    // sorting by a JSON-only key made an expression index, which the window query now walks
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM molecules WHERE collection_id = 1 AND json_extract(props, '$."qed"') IS NOT NULL ORDER BY json_extract(props, '$."qed"'), id LIMIT 10`).all() as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');
    expect(plan).toMatch(/molecules_json_/);
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('maps rows to the contract shape', () => {
    const [row] = listMolecules(db, cid, 1, 1);
    expect(row).toMatchObject({ collectionId: cid, position: 2, name: 'm4', smiles: 'c1ccccc1', sourceLine: 2, props: { mol_wt: 78.11 }, userProps: { pIC50: 1.5 } });
  });

  it('renames, lists and deletes collections with their molecules and problems', () => {
    insertProblems(db, cid, [{ file: 'set.smi', line: 7, record: 7, reason: 'bad SMILES', text: 'C1CC' }]);
    expect(listProblems(db, cid, 0, 10)).toEqual([{ file: 'set.smi', line: 7, record: 7, reason: 'bad SMILES', text: 'C1CC' }]);
    expect(renameCollection(db, cid, 'renamed').name).toBe('renamed');
    expect(listCollections(db).map((c) => c.id)).toEqual([cid]);
    expect(deleteCollection(db, cid)).toBe(true);
    expect(() => getCollection(db, cid)).toThrow(`There is no collection with id ${cid}`);
    expect(db.prepare('SELECT (SELECT count(*) FROM molecules) + (SELECT count(*) FROM problems) AS n').get()).toEqual({ n: 0 });
  });
});
