// 2-D layouts of a collection's latent vectors other than the model's fixed PCA plane (UMAP): a layout is fitted
// on one collection's vectors, so its points belong to that fit. The points are stored per (model, method,
// molecule), like the vectors they come from, and go with their molecule; the fit's parameters (neighbours,
// minimum distance, random seed, epochs, time) per (collection, model, method), going with the collection.
// A new fit replaces both in one transaction, so a reader never sees half of one.
import type { Migration } from './types.ts';

export const migration005: Migration = {
  version: 5,
  name: 'layouts',
  sql: `
    CREATE TABLE layout_points (
      model_sha256 TEXT NOT NULL,
      method TEXT NOT NULL,
      molecule_id INTEGER NOT NULL REFERENCES molecules(id) ON DELETE CASCADE,
      x REAL NOT NULL,
      y REAL NOT NULL,
      PRIMARY KEY (model_sha256, method, molecule_id)
    ) WITHOUT ROWID;
    CREATE INDEX layout_points_molecule ON layout_points (molecule_id);
    CREATE TABLE layouts (
      collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      model_sha256 TEXT NOT NULL,
      method TEXT NOT NULL,
      params TEXT NOT NULL DEFAULT '{}',
      points INTEGER NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      PRIMARY KEY (collection_id, model_sha256, method)
    ) WITHOUT ROWID;
  `,
};
