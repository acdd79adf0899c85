// Opens a workspace: one SQLite file, WAL (the UI reads while a job process writes), foreign keys on, a busy
// timeout so the host and a job process wait for each other's short transactions instead of failing, and
// the schema brought up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrate } from './migrate.ts';

export type Db = Database.Database;

export function openWorkspace(file: string): Db {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new Error(`Cannot open the workspace ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`The workspace ${path} is not a Molscape workspace (not an SQLite file).`, { cause: err });
    throw err;
  }
  return db;
}
