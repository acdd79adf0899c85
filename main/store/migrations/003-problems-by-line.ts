// Problems are listed in file order (line, record), but written batch by batch: a reader's problems can land
// after RDKit's from earlier lines. With this index a page of a file with 100k bad lines is an index walk.
import type { Migration } from './types.ts';

export const migration003: Migration = {
  version: 3,
  name: 'problems-by-line',
  sql: `
    DROP INDEX problems_collection;
    CREATE INDEX problems_line ON problems (collection_id, line, record, id);
  `,
};
