// Brings a workspace to this build's schema: every pending migration in ONE transaction (a crash half-way
// leaves the file as it was), and a file written by a newer Molscape refused rather than guessed at.
import type Database from 'better-sqlite3';
import { migrations as allMigrations, SCHEMA_VERSION } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';

export class NewerWorkspaceError extends Error {
  constructor(file: string, found: number, ours: number) {
    super(
      `The workspace ${file} has schema version ${found}, newer than this Molscape understands (version ${ours}). ` +
        'Open it with a newer Molscape, or choose another workspace.',
    );
    this.name = 'NewerWorkspaceError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the pending migrations; returns the versions applied (empty when already current). */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = allMigrations): number[] {
  const target = migrations.length ? migrations[migrations.length - 1].version : 0;
  const check = (current: number) => {
    if (current > target) throw new NewerWorkspaceError(file, current, target);
    return migrations.filter((m) => m.version > current);
  };
  if (!check(schemaVersion(db)).length) return [];
  // The version is read again under the write lock: another process (a job worker, a second window, the CLI)
  // may have migrated the same new file between our first look and the lock, and must not be migrated twice.
  return db
    .transaction(() => {
      const pending = check(schemaVersion(db));
      for (const m of pending) {
        db.exec(m.sql);
        m.run?.(db);
        // user_version is set inside the transaction, so it rolls back with the schema if a later step fails.
        db.pragma(`user_version = ${m.version}`);
      }
      return pending.map((m) => m.version);
    })
    .immediate();
}

export { SCHEMA_VERSION };
