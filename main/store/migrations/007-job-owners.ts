// Jobs belong to a live process (issue 18, item 1): several processes open one workspace at once (the desktop app,
// browser mode, CLI commands), so "a job marked running" no longer means "a job of a crashed run". Each
// process that runs jobs registers itself in job_owners (a random id, its host name, pid and the identity of
// its start, so a reused pid is not taken for it, and a heartbeat in ms since the epoch that it refreshes
// every few seconds); a job records its owner. Start-up clean-up fails only the jobs whose owner is gone.
// lock_key names what a job works on ('properties 12'): a partial unique index lets one live (queued or
// running) job hold a key, so two processes never run the same job on the same collection; ended jobs keep
// their key for the record. Jobs of earlier versions have no owner, and count as ownerless (ended).
import type { Migration } from './types.ts';

export const migration007: Migration = {
  version: 7,
  name: 'job-owners',
  sql: `
    CREATE TABLE job_owners (
      id TEXT PRIMARY KEY,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      process_start TEXT,
      app TEXT NOT NULL,
      started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      heartbeat_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE jobs ADD COLUMN owner_id TEXT;
    ALTER TABLE jobs ADD COLUMN lock_key TEXT;
    CREATE UNIQUE INDEX jobs_live_lock ON jobs (lock_key) WHERE lock_key IS NOT NULL AND status IN ('queued', 'running');
  `,
};
