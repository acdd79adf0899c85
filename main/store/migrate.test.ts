import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, NewerWorkspaceError, schemaVersion } from './migrate.ts';
import { migrations, SCHEMA_VERSION } from './migrations/index.ts';
import { openWorkspace } from './db.ts';
import { tempDir } from './test-util.ts';

describe('migrate', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('lists migrations numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(migrations.length);
  });

  it('applies all pending migrations once, then nothing', () => {
    const db = new Database(tmp.file('a.sqlite'));
    expect(migrate(db, 'a.sqlite')).toEqual(migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(migrate(db, 'a.sqlite')).toEqual([]);
    db.close();
  });

  it('applies pending migrations in one transaction: a failing step leaves the file untouched', () => {
    const db = new Database(tmp.file('b.sqlite'));
    const broken = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE t (x)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE u (x); THIS IS NOT SQL' },
    ];
    expect(() => migrate(db, 'b.sqlite', broken)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('t', 'u')").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a workspace from a newer version, naming the file and both versions', () => {
    const file = tmp.file('newer.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    let error: unknown;
    try {
      openWorkspace(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NewerWorkspaceError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain(`version ${SCHEMA_VERSION + 5}`);
    expect(message).toContain(`version ${SCHEMA_VERSION})`);
  });

  it('opens a workspace with WAL and foreign keys on', () => {
    const db = openWorkspace(tmp.file('sub/dir/w.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a file that is not SQLite with a clear message', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = tmp.file('notes.sqlite');
    writeFileSync(file, 'x'.repeat(4096));
    expect(() => openWorkspace(file)).toThrow(/not a Molscape workspace/);
  });
});
