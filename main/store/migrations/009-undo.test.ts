import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migrations } from './index.ts';
import { migration009 } from './009-undo.ts';
import { markCollectionDeleted, purgeDeleted, restoreCollection } from '../trash.ts';

describe('migration 009-undo', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-8 workspace with data: collections stay, undoable deletes and removed rows can be kept', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 'w.sqlite', migrations.filter((m) => m.version < 9));
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported'), ('b', 'candidates')").run();
    db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (1, 1, 'C', 'C')").run();
    expect(migrate(db, 'w.sqlite', [...migrations.filter((m) => m.version < 9), migration009])).toEqual([9]);
    expect(db.prepare('SELECT count(*) FROM collections WHERE deleted_at IS NULL').pluck().get()).toBe(2);

    expect(markCollectionDeleted(db, 1)).toBe(true);
    expect(markCollectionDeleted(db, 1)).toBe(false);
    expect(purgeDeleted(db)).toEqual([]); // younger than an hour: kept
    expect(restoreCollection(db, 1)).toBe(true);
    expect(markCollectionDeleted(db, 1)).toBe(true);
    expect(purgeDeleted(db, 0)).toEqual([1]); // past the window: gone, molecules with it
    expect(db.prepare('SELECT count(*) FROM molecules').pluck().get()).toBe(0);
    expect(restoreCollection(db, 1)).toBe(false);

    // removed candidates go with their list
    db.prepare("INSERT INTO removed_molecules (collection_id, rows) VALUES (2, '[]')").run();
    db.prepare('DELETE FROM collections WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) FROM removed_molecules').pluck().get()).toBe(0);
    db.close();
  });
});
