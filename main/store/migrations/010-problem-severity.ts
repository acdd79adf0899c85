// Problems are no longer only lines that were not imported: a salt stripped or a duplicate merged is listed too
// (issue 16, item 2: nothing silently changed), as is a warning about a line read in another encoding. The
// severity tells them apart: NULL (every older row) is an error, else 'warning' or 'info'.
import type { Migration } from './types.ts';

export const migration010: Migration = {
  version: 10,
  name: 'problem-severity',
  sql: `
    ALTER TABLE problems ADD COLUMN severity TEXT CHECK (severity IN ('warning', 'info'));
  `,
};
