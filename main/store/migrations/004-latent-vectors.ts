// Latent vectors per model: one row per (model, molecule), keyed by the sha256 of the model bundle's
// manifest, so a retrained model never reuses another's vectors. z is the encoder's mean as float32
// little-endian bytes (a Float32Array view when read back, no parsing); a molecule the model cannot express
// keeps z NULL and says why in `problem`, so an encode job counts it once and never retries it.
// The canonical-SMILES index answers "is this structure anywhere in the workspace?" for designed molecules.
import type { Migration } from './types.ts';

export const migration004: Migration = {
  version: 4,
  name: 'latent-vectors',
  sql: `
    CREATE TABLE latent_vectors (
      molecule_id INTEGER NOT NULL REFERENCES molecules(id) ON DELETE CASCADE,
      model_sha256 TEXT NOT NULL,
      z BLOB,
      problem TEXT,
      PRIMARY KEY (model_sha256, molecule_id),
      CHECK ((z IS NULL) <> (problem IS NULL))
    ) WITHOUT ROWID;
    CREATE INDEX latent_vectors_molecule ON latent_vectors (molecule_id);
    -- molecules_canonical (migration 002) leads with collection_id: no help for a workspace-wide lookup
    CREATE INDEX molecules_canonical_anywhere ON molecules (canonical_smiles);
  `,
};
