import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';
import { migration004 } from './004-latent-vectors.ts';
import { migration005 } from './005-layouts.ts';
import { migration006 } from './006-settings.ts';

describe('migration 006-settings', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-5 workspace with data and keeps one value per key', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    const before = [migration001, migration002, migration003, migration004, migration005];
    migrate(db, 'w.sqlite', before);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    expect(migrate(db, 'w.sqlite', [...before, migration006])).toEqual([6]);
    expect(db.prepare('SELECT count(*) AS n FROM collections').get()).toEqual({ n: 1 });

    const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    put.run('activeModel', '"zinc250k"');
    put.run('activeModel', '"my series"');
    expect(db.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'activeModel', value: '"my series"' }]);
    expect(() => db.prepare('INSERT INTO settings (key, value) VALUES (?, NULL)').run('x')).toThrow(/NOT NULL/);
    expect(db.prepare('SELECT updated_at FROM settings').pluck().get()).toMatch(/^\d{4}-\d\d-\d\dT/);
    db.close();
  });
});
