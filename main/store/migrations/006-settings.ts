// Workspace settings: a small key → JSON value table for choices that belong to the workspace rather than to
// one collection (the active model first: every design operation, the map and the encode job of a workspace
// use it). A key absent means the app's default.
import type { Migration } from './types.ts';

export const migration006: Migration = {
  version: 6,
  name: 'settings',
  sql: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ) WITHOUT ROWID;
  `,
};
