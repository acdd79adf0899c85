// The active model's confidence in a molecule as table columns (issue 13, item 3): the keys the latent map
// colours by (store/latent.ts CONFIDENCE_KEYS), here sortable, filterable and exported like a property. Lives
// in main/api so the table, its column chooser, the detail panel and the core's export read one definition.
// The values are not the molecule's own: they belong to the model that encoded it (latent_vectors, per model's
// manifest sha256), so a molecule the active model has not encoded has none.

export interface ModelColumnDef {
  /** the sort / filter / colour key */
  key: 'model:fit' | 'model:held';
  label: string;
  kind: 'number' | 'boolean';
  /** digits worth showing (numbers) */
  digits?: number;
  /** the column's name in an exported CSV or SD file */
  fileHeader: string;
  description: string;
}

export const MODEL_COLUMN_DEFS: readonly ModelColumnDef[] = [
  {
    key: 'model:fit',
    label: 'model fit (−ELBO/token)',
    kind: 'number',
    digits: 3,
    fileHeader: 'model_fit_neg_elbo_per_token',
    description:
      "The active model's negative ELBO per token at the molecule's latent mean: lower is better (the model is at home with the molecule); high where it is unlike the training data. Empty until the molecule is encoded with that model.",
  },
  {
    key: 'model:held',
    label: 'held exactly',
    kind: 'boolean',
    fileHeader: 'model_held_exactly',
    description:
      "Whether the greedy decode of the molecule's latent mean gives the molecule back (yes: design starts exactly at it). Empty until the molecule is encoded with that model.",
  },
];

export const MODEL_COLUMN_KEYS: readonly string[] = MODEL_COLUMN_DEFS.map((d) => d.key);

export const isModelColumn = (key: string): key is ModelColumnDef['key'] => (MODEL_COLUMN_KEYS as readonly string[]).includes(key);
