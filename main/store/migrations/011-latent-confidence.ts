// The model's confidence in each molecule it encodes (issue 13): beside the latent vector, per model, the negative
// ELBO per token (main/design/confidence.ts: the VAE's anomaly score, low where the model is at home) and whether
// the greedy decode of the mean gives the molecule back. NULL where not yet scored (vectors written before this
// version): the encode job scores them on its next run.
import type { Migration } from './types.ts';

export const migration011: Migration = {
  version: 11,
  name: 'latent-confidence',
  sql: `
    ALTER TABLE latent_vectors ADD COLUMN neg_elbo REAL;
    ALTER TABLE latent_vectors ADD COLUMN held INTEGER CHECK (held IN (0, 1));
  `,
};
