// The processes that run jobs on a workspace (migration 007): one row per process while it is open, its
// heartbeat refreshed every few seconds. Which owners are gone is decided by main/jobs/job-owner.ts (it asks
// the operating system); this file only reads and writes the rows.
import type { Db } from './db.ts';

export interface OwnerRow {
  id: string;
  host: string;
  pid: number;
  /** the process's start identity on its host (Linux: start time in clock ticks), null where unknown */
  process_start: string | null;
  app: string;
  started_at: string;
  /** ms since the epoch */
  heartbeat_at: number;
}

export function registerOwner(db: Db, o: Omit<OwnerRow, 'started_at'>): void {
  db.prepare('INSERT OR REPLACE INTO job_owners (id, host, pid, process_start, app, heartbeat_at) VALUES (@id, @host, @pid, @process_start, @app, @heartbeat_at)').run(o);
}

/** Refreshes an owner's heartbeat; false when its row is gone (another process judged it dead). */
export function beatOwner(db: Db, id: string, now: number): boolean {
  return db.prepare('UPDATE job_owners SET heartbeat_at = ? WHERE id = ?').run(now, id).changes > 0;
}

export function deleteOwner(db: Db, id: string): void {
  db.prepare('DELETE FROM job_owners WHERE id = ?').run(id);
}

export function listOwners(db: Db): OwnerRow[] {
  return db.prepare('SELECT * FROM job_owners ORDER BY started_at').all() as OwnerRow[];
}
