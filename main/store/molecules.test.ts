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
  });

  it('sorts by any number of keys without making an index for each (issue 18, item 5)', () => {
    const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules' ORDER BY name").pluck().all();
    const before = indexes();
    db.prepare(`UPDATE molecules SET user_props = json_set(coalesce(user_props, '{}'), ${Array.from({ length: 40 }, (_, k) => `'$."c${k}"', (position * ${k + 3}) % 7`).join(', ')}) WHERE collection_id = ?`).run(cid);
    for (let k = 0; k < 40; k++) {
      const rows = listMolecules(db, cid, 0, 10, { key: `user:c${k}`, descending: k % 2 === 1 });
      const values = rows.map((r) => r.userProps[`c${k}`] as number);
      expect(values).toEqual([...values].sort((a, b) => (k % 2 ? b - a : a - b)));
    }
    for (const key of ['qed', 'sa', 'rings', 'heavy_atoms', 'pains']) listMolecules(db, cid, 0, 10, { key, descending: false });
    expect(indexes()).toEqual(before);
  });

  it('a window of a key without an index follows every change, from this connection or another', () => {
    const order = (descending = false) => names(listMolecules(db, cid, 0, 10, { key: 'user:pIC50', descending }));
    expect(order()).toEqual(['c1ccccc1', 'CCN', 'CCO', 'CC(=O)O', 'CCCC']);
    expect(order(true)).toEqual(['CCN', 'c1ccccc1', 'CCO', 'CC(=O)O', 'CCCC']);
    // windows across the edge between valued and empty rows, both directions
    expect(names(listMolecules(db, cid, 1, 2, { key: 'user:pIC50', descending: false }))).toEqual(['CCN', 'CCO']);
    expect(names(listMolecules(db, cid, 3, 5, { key: 'user:pIC50', descending: true }))).toEqual(['CC(=O)O', 'CCCC']);
    db.prepare(`UPDATE molecules SET user_props = json_set(coalesce(user_props, '{}'), '$."pIC50"', 9) WHERE collection_id = ? AND smiles = 'CCCC'`).run(cid);
    expect(order()).toEqual(['c1ccccc1', 'CCN', 'CCCC', 'CCO', 'CC(=O)O']);
    // another process (here: another connection) writes; the next window sees it
    const other = openWorkspace(tmp.file('w.sqlite'));
    other.prepare(`UPDATE molecules SET user_props = json_set(coalesce(user_props, '{}'), '$."pIC50"', -1) WHERE collection_id = ? AND smiles = 'CCO'`).run(cid);
    other.close();
    expect(order()).toEqual(['CCO', 'c1ccccc1', 'CCN', 'CCCC', 'CC(=O)O']);
    // a second collection's rows never leak into the first's order
    const c2 = createCollection(db, { name: 'other', kind: 'imported' });
    insertMolecules(db, c2, [{ position: 1, name: null, smiles: 'N', canonicalSmiles: 'N', sourceLine: 1, userProps: { pIC50: -5 } }]);
    expect(order()).toEqual(['CCO', 'c1ccccc1', 'CCN', 'CCCC', 'CC(=O)O']);
    expect(names(listMolecules(db, c2, 0, 10, { key: 'user:pIC50', descending: false }))).toEqual(['N']);
  });

  it('a window of a key without an index read in several chunks of ids keeps its order', () => {
    const big = createCollection(db, { name: 'big', kind: 'imported' });
    const n = 2500;
    insertMolecules(db, big, Array.from({ length: n }, (_, i) => ({ position: i + 1, name: null, smiles: `C${i}`, canonicalSmiles: `C${i}`, sourceLine: i + 1, userProps: { v: (i * 7919) % n } })));
    const rows = listMolecules(db, big, 0, n, { key: 'user:v', descending: true });
    expect(rows.map((r) => r.userProps.v)).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
  });

  it('maps rows to the contract shape', () => {
    const [row] = listMolecules(db, cid, 1, 1);
    expect(row).toMatchObject({ collectionId: cid, position: 2, name: 'm4', smiles: 'c1ccccc1', sourceLine: 2, props: { mol_wt: 78.11 }, userProps: { pIC50: 1.5 } });
  });

  it('renames, lists and deletes collections with their molecules and problems', () => {
    insertProblems(db, cid, [{ file: 'set.smi', line: 7, record: 7, reason: 'bad SMILES', text: 'C1CC' }]);
    expect(listProblems(db, cid, 0, 10)).toEqual([{ file: 'set.smi', line: 7, record: 7, reason: 'bad SMILES', text: 'C1CC', severity: 'error' }]);
    expect(renameCollection(db, cid, 'renamed').name).toBe('renamed');
    expect(listCollections(db).map((c) => c.id)).toEqual([cid]);
    expect(deleteCollection(db, cid)).toBe(true);
    expect(() => getCollection(db, cid)).toThrow(`There is no collection with id ${cid}`);
    expect(db.prepare('SELECT (SELECT count(*) FROM molecules) + (SELECT count(*) FROM problems) AS n').get()).toEqual({ n: 0 });
  });
});
