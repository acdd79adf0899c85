import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';

describe('migration 001-initial', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('creates the four tables, the sort indexes and cascades deletes from collections', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, 'w.sqlite', [migration001])).toEqual([1]);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['collections', 'jobs', 'molecules', 'problems']);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules' AND name LIKE 'molecules_%'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes.sort()).toEqual(['molecules_clogp', 'molecules_hba', 'molecules_hbd', 'molecules_mol_wt', 'molecules_tpsa']);

    const c = db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run().lastInsertRowid;
    db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (?, 1, 'C', 'C')").run(c);
    db.prepare("INSERT INTO problems (collection_id, file, line, reason) VALUES (?, 'f.smi', 3, 'bad')").run(c);
    // the plan uses the (collection_id, mol_wt) index for ordering, not a temporary sort
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT * FROM molecules WHERE collection_id = 1 AND mol_wt IS NOT NULL ORDER BY mol_wt, id LIMIT 10').all() as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');
    expect(plan).toContain('molecules_mol_wt');
    expect(plan).not.toContain('TEMP B-TREE');
    db.prepare('DELETE FROM collections WHERE id = ?').run(c);
    expect(db.prepare('SELECT count(*) AS n FROM molecules').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM problems').get()).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (999, 1, 'C', 'C')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
