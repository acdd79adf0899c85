// The first schema: collections, their molecules and import problems, and the jobs table.
// Property values live twice on a molecule: all of them in the props JSON (what the UI shows), and the five
// that chemists sort and filter by most in typed columns with (collection_id, column) indexes, so ordering a
// 250k-row collection by one of them is an index walk rather than a sort of parsed JSON.
import type { Migration } from './types.ts';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE collections (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('imported', 'generated', 'filtered', 'candidates')),
      source_path TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      molecule_count INTEGER NOT NULL DEFAULT 0,
      problem_count INTEGER NOT NULL DEFAULT 0,
      duplicate_count INTEGER NOT NULL DEFAULT 0,
      properties_done INTEGER NOT NULL DEFAULT 0,
      user_columns TEXT NOT NULL DEFAULT '[]',
      -- the import job that is still filling this collection; NULL once it is complete
      importing_job_id INTEGER
    );

    CREATE TABLE molecules (
      id INTEGER PRIMARY KEY,
      collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      name TEXT,
      smiles TEXT NOT NULL,
      canonical_smiles TEXT NOT NULL,
      source_line INTEGER,
      props TEXT,
      mol_wt REAL,
      clogp REAL,
      tpsa REAL,
      hbd INTEGER,
      hba INTEGER,
      user_props TEXT,
      UNIQUE (collection_id, position)
    );
    CREATE INDEX molecules_mol_wt ON molecules (collection_id, mol_wt);
    CREATE INDEX molecules_clogp ON molecules (collection_id, clogp);
    CREATE INDEX molecules_tpsa ON molecules (collection_id, tpsa);
    CREATE INDEX molecules_hbd ON molecules (collection_id, hbd);
    CREATE INDEX molecules_hba ON molecules (collection_id, hba);

    CREATE TABLE problems (
      id INTEGER PRIMARY KEY,
      collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      file TEXT NOT NULL,
      line INTEGER NOT NULL,
      record INTEGER,
      reason TEXT NOT NULL,
      text TEXT
    );
    CREATE INDEX problems_collection ON problems (collection_id, id);

    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      title TEXT NOT NULL,
      args TEXT NOT NULL DEFAULT '{}',
      done REAL NOT NULL DEFAULT 0,
      total REAL,
      error TEXT,
      result TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      finished_at TEXT
    );
    CREATE INDEX jobs_status ON jobs (status);
  `,
};
