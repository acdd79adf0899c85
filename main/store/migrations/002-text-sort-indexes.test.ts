import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';

describe('migration 002-text-sort-indexes', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-1 workspace with data, and name/SMILES windows become index walks', () => {
    const db = new Database(tmp.file('w.sqlite'));
    migrate(db, 'w.sqlite', [migration001]);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    db.prepare("INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles) VALUES (1, 1, 'x', 'C', 'C')").run();
    expect(migrate(db, 'w.sqlite', [migration001, migration002])).toEqual([2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    for (const column of ['name', 'canonical_smiles']) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM molecules WHERE collection_id = 1 AND ${column} IS NOT NULL ORDER BY ${column}, id LIMIT 10`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
      expect(plan).not.toContain('TEMP B-TREE');
    }
    expect(db.prepare('SELECT count(*) AS n FROM molecules').get()).toEqual({ n: 1 });
    db.close();
  });
});
