// Every migration, in order. A new schema step is a new file here and one line in this list; versions must
// run 1, 2, 3... without gaps (checked by migrate.test.ts).
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';
import { migration004 } from './004-latent-vectors.ts';
import { migration005 } from './005-layouts.ts';
import { migration006 } from './006-settings.ts';
import { migration007 } from './007-job-owners.ts';
import { migration008 } from './008-drop-sort-indexes.ts';
import { migration009 } from './009-undo.ts';
import { migration010 } from './010-problem-severity.ts';
import { migration011 } from './011-latent-confidence.ts';
import type { Migration } from './types.ts';

export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011];

/** The schema version this build of the app writes. */
export const SCHEMA_VERSION = migrations.length;
