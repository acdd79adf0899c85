// Undo for the chemist's deletions (issue 17, item 6): a collection deleted from the UI is first only marked
// (deleted_at), hidden everywhere, and restorable until the core purges it an hour later; candidates taken out
// of a list are kept whole in removed_molecules (their rows as JSON, with their places) so that one undo puts
// them back as they were. Lists are small, so JSON rows cost nothing worth a table of their own shape.
import type { Migration } from './types.ts';

export const migration009: Migration = {
  version: 9,
  name: 'undo',
  sql: `
    ALTER TABLE collections ADD COLUMN deleted_at TEXT;
    CREATE TABLE removed_molecules (
      id INTEGER PRIMARY KEY,
      collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      -- the removed molecules rows (SELECT * as JSON objects), in position order
      rows TEXT NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
  `,
};
