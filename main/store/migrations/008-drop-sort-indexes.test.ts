import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migrations } from './index.ts';
import { migration008 } from './008-drop-sort-indexes.ts';

describe('migration 008-drop-sort-indexes', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('drops the expression indexes that sorting made per key, keeps the fixed ones and the data', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    const before = migrations.filter((m) => m.version < 8);
    migrate(db, 'w.sqlite', before);
    const fixed = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules' ORDER BY name").pluck().all();
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    db.prepare(`INSERT INTO molecules (collection_id, position, smiles, canonical_smiles, props, user_props) VALUES (1, 1, 'C', 'C', '{"qed":0.5}', '{"pIC50":7}')`).run();
    // what sorting by a JSON key did before this version, one index per key
    db.exec(`CREATE INDEX molecules_json_1a2b ON molecules (collection_id, json_extract(props, '$."qed"'))`);
    db.exec(`CREATE INDEX molecules_json_ffee01 ON molecules (collection_id, json_extract(user_props, '$."pIC50"'))`);
    // an index of the same table by another name is not ours to drop
    db.exec('CREATE INDEX molecules_by_source_line ON molecules (source_line)');
    expect(migrate(db, 'w.sqlite', [...before, migration008])).toEqual([8]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules' ORDER BY name").pluck().all()).toEqual(
      [...(fixed as string[]), 'molecules_by_source_line'].sort(),
    );
    expect(db.prepare('SELECT props, user_props FROM molecules').get()).toEqual({ props: '{"qed":0.5}', user_props: '{"pIC50":7}' });
    db.close();
  });
});
