// Sorting a collection by name or by canonical SMILES walks an index too (without them the table's every
// scroll re-sorted 250k strings: seconds per window). The canonical SMILES index also answers "is this
// structure already in the collection?".
import type { Migration } from './types.ts';

export const migration002: Migration = {
  version: 2,
  name: 'text-sort-indexes',
  sql: `
    CREATE INDEX molecules_name ON molecules (collection_id, name);
    CREATE INDEX molecules_canonical ON molecules (collection_id, canonical_smiles);
  `,
};
