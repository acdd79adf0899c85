import type Database from 'better-sqlite3';

/** One schema step: applied when the workspace's PRAGMA user_version is below `version`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** a step SQL alone cannot say (objects found by name), run after `sql` in the same transaction */
  run?: (db: Database.Database) => void;
}
