// Sorting by a key without a typed column (QED, a user's pIC50...) made an expression index per key, kept for
// ever: 100 keys grew a workspace from 100 to 352 MB and slowed an import by 30 % (issue 18, item 5). Sorting
// is now bounded to the fixed indexes of migrations 001, 002 and 004 (the typed properties, name, canonical
// SMILES); other keys are sorted without an index (store/molecules.ts keeps the sorted ids while nothing
// changes). This drops the per-key indexes: their names came from a hash, so they are found by prefix.
// The pages they held go to SQLite's free list, reused by later writes (the file shrinks only on VACUUM).
import type { Migration } from './types.ts';

export const migration008: Migration = {
  version: 8,
  name: 'drop-sort-indexes',
  sql: '',
  run(db) {
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules' AND name GLOB 'molecules_json_*'")
      .pluck()
      .all() as string[];
    // the names were made by this app from hex digits: safe to quote as identifiers
    for (const name of names) db.exec(`DROP INDEX "${name.replace(/"/g, '""')}"`);
  },
};
