import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';
import { migration004 } from './004-latent-vectors.ts';
import { migration005 } from './005-layouts.ts';

const plan = (db: Database.Database, sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');

describe('migration 005-layouts', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-4 workspace with data; points go with their molecule, fits with their collection', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    const before = [migration001, migration002, migration003, migration004];
    migrate(db, 'w.sqlite', before);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported'), ('b', 'imported')").run();
    const mol = db.prepare('INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (?, ?, ?, ?)');
    mol.run(1, 1, 'CCO', 'CCO');
    mol.run(1, 2, 'c1ccccc1', 'c1ccccc1');
    mol.run(2, 1, 'CCN', 'CCN');
    expect(migrate(db, 'w.sqlite', [...before, migration005])).toEqual([5]);
    expect(db.prepare('SELECT count(*) AS n FROM molecules').get()).toEqual({ n: 3 });

    const point = db.prepare('INSERT INTO layout_points (model_sha256, method, molecule_id, x, y) VALUES (?, ?, ?, ?, ?)');
    point.run('aa', 'umap', 1, 0.5, -1);
    point.run('aa', 'umap', 2, 1.5, 2);
    point.run('bb', 'umap', 1, 3, 4);
    point.run('aa', 'umap', 3, 7, 8);
    expect(() => point.run('aa', 'umap', 1, 0, 0)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => point.run('aa', 'umap', 99, 0, 0)).toThrow(/FOREIGN KEY/);
    expect(() => point.run('aa', 'umap', 2, null, 0)).toThrow(/NOT NULL/);
    const fit = db.prepare('INSERT INTO layouts (collection_id, model_sha256, method, params, points) VALUES (?, ?, ?, ?, ?)');
    fit.run(1, 'aa', 'umap', '{"nNeighbors":15}', 2);
    fit.run(2, 'aa', 'umap', '{}', 1);
    expect(() => fit.run(1, 'aa', 'umap', '{}', 2)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => fit.run(99, 'aa', 'umap', '{}', 2)).toThrow(/FOREIGN KEY/);
    expect(db.prepare("SELECT created_at FROM layouts WHERE collection_id = 1").pluck().get()).toMatch(/^\d{4}-\d\d-\d\dT/);

    // a molecule's points go with it; a collection's fit and (through its molecules) its points go with it
    db.prepare('DELETE FROM molecules WHERE id = 1').run();
    expect(db.prepare('SELECT model_sha256 AS m, molecule_id AS id FROM layout_points ORDER BY id').all()).toEqual([
      { m: 'aa', id: 2 },
      { m: 'aa', id: 3 },
    ]);
    db.prepare('DELETE FROM collections WHERE id = 2').run();
    expect(db.prepare('SELECT molecule_id FROM layout_points').pluck().all()).toEqual([2]);
    expect(db.prepare('SELECT collection_id FROM layouts').pluck().all()).toEqual([1]);

    expect(plan(db, 'SELECT 1 FROM layout_points WHERE molecule_id = 2')).toContain('layout_points_molecule');
    db.close();
  });
});
