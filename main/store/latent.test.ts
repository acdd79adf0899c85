import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollection } from './collections.ts';
import { openWorkspace, type Db } from './db.ts';
import { latentCounts, latentValues, moleculesWithoutLatent, readCollectionLatents, workspaceLookup, writeLatents } from './latent.ts';
import { insertMolecules, moleculesWithoutProperties, setProperties } from './molecules.ts';
import { tempDir } from './test-util.ts';

describe('latent vectors repository', () => {
  const tmp = tempDir();
  let db: Db;
  let cid: number;
  let ids: number[];
  beforeEach(() => {
    db = openWorkspace(tmp.file('w.sqlite'));
    cid = createCollection(db, { name: 'set', kind: 'imported' });
    const smiles = ['CCO', 'c1ccccc1', 'CC(=O)O', 'CCN'];
    insertMolecules(db, cid, smiles.map((s, i) => ({ position: i + 1, name: `m${i}`, smiles: s, canonicalSmiles: s, sourceLine: i + 1, userProps: i === 1 ? { pIC50: 7.5 } : { pIC50: 'n/a' } })));
    ids = moleculesWithoutProperties(db, cid, 0, 10).map((m) => m.id);
    setProperties(db, ids.map((id, i) => ({ id, props: { qed: i / 10 } })));
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  it('knows what is missing per model, writes vectors and problems, and reads them back in file order', () => {
    expect(latentCounts(db, cid, 'm1')).toEqual({ molecules: 4, encoded: 0, unencodable: 0, missing: 4 });
    db.transaction(() =>
      writeLatents(db, 'm1', [
        { moleculeId: ids[2], z: Float32Array.from([3, 4]) },
        { moleculeId: ids[0], z: Float32Array.from([1, -2]) },
        { moleculeId: ids[1], z: null, problem: "unknown token 'Xx'" },
      ]),
    )();
    expect(latentCounts(db, cid, 'm1')).toEqual({ molecules: 4, encoded: 2, unencodable: 1, missing: 1 });
    // another model has its own rows
    expect(latentCounts(db, cid, 'm2').missing).toBe(4);
    expect(moleculesWithoutLatent(db, cid, 'm1', 0, 10)).toEqual([{ id: ids[3], canonicalSmiles: 'CCN' }]);
    expect(moleculesWithoutLatent(db, cid, 'm2', ids[1], 1).map((m) => m.id)).toEqual([ids[2]]);

    const all = readCollectionLatents(db, cid, 'm1', 2, 'qed');
    expect(all.ids).toEqual([ids[0], ids[2]]);
    expect(Array.from(all.z)).toEqual([1, -2, 3, 4]);
    expect(all.values).toEqual([0, 0.2]);
    expect(all.counts).toEqual(latentCounts(db, cid, 'm1'));
    expect(readCollectionLatents(db, cid, 'm1', 2).values).toBeNull();
    // a user column: text values are not numbers
    writeLatents(db, 'm1', [{ moleculeId: ids[1], z: Float32Array.from([0, 0]) }]);
    expect(readCollectionLatents(db, cid, 'm1', 2, 'user:pIC50').values).toEqual([null, 7.5, null]);
    // a vector of another size is skipped, never misread
    const wrongSize = readCollectionLatents(db, cid, 'm1', 3);
    expect(wrongSize.ids).toEqual([]);
    expect(wrongSize.counts).toEqual({ molecules: 4, encoded: 0, unencodable: 0, missing: 4 });
    expect(() => readCollectionLatents(db, cid, 'm1', 2, "bad'key")).toThrow(/not a property/);

    // the same values without the vectors, in the same order (a map re-coloured)
    const known = readCollectionLatents(db, cid, 'm1', 2, 'user:pIC50');
    expect(latentValues(db, cid, 'm1', 2, 'user:pIC50')).toEqual(known.values);
    expect(latentValues(db, cid, 'm1', 2, 'qed')).toEqual(readCollectionLatents(db, cid, 'm1', 2, 'qed').values);
    expect(latentValues(db, cid, 'm2', 2, 'qed')).toEqual([]);
  });

  it('answers whether structures are anywhere in the workspace', () => {
    const other = createCollection(db, { name: 'other', kind: 'candidates' });
    insertMolecules(db, other, [{ position: 1, name: null, smiles: 'OCC', canonicalSmiles: 'CCCl', sourceLine: null }]);
    expect(workspaceLookup(db)(['CCN', 'CCCl', 'CCCCCC', ''])).toEqual([true, true, false, false]);
  });
});
