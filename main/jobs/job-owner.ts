// A process that runs jobs on a workspace registers itself as their owner (issue 18, item 1): several
// processes share one workspace (the desktop app, browser mode, every CLI command), so a job marked
// 'running' may be another live process's job, not one a crash left. Each owner has a random id, its host
// name, pid and the identity of its start, and a heartbeat it refreshes every 30 s. A job's owner is gone
// when
//   - it ran on this machine and its pid is no longer alive (or is a zombie), or the pid now belongs to a
//     process that started at another time (pid reuse): known at once, from the operating system;
//   - it ran on this machine where the start identity cannot be read (not Linux), the pid is alive and the
//     heartbeat is older than SAME_HOST_STALE_MS (a reused pid, eventually);
//   - it ran on another machine (a workspace on a shared folder) and the heartbeat is older than STALE_MS.
// The heartbeat runs on the main thread, which may be blocked for a while (a large substructure index is
// built synchronously), so the intervals are generous; on Linux a live process is never taken for dead.
// Clean-up (reap) fails the live jobs of gone owners, removes those owners and the collections their
// imports left half-written; every owner does it at start and every 5 s (a read; the write transaction only
// when there is something to clean), so whoever notices first cleans up.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { deleteAbandonedImports } from '../store/collections.ts';
import type { Db } from '../store/db.ts';
import { beatOwner, deleteOwner, listOwners, registerOwner, type OwnerRow } from '../store/job-owners.ts';
import { failJobsOfGoneOwners, hasOrphans } from '../store/jobs.ts';

/**
 * How often an owner writes its heartbeat. Only owners on other machines and where a process's start time
 * cannot be read depend on it (minutes), and every write makes other connections' caches of the workspace
 * stale (store/molecules.ts sortedIds), so it is not written more often.
 */
export const HEARTBEAT_MS = 30_000;
/** How often an owner looks for gone owners to clean up after: a read, and a write only when there are. */
export const REAP_MS = 5_000;
/** an owner on another machine with no heartbeat for this long is gone */
export const STALE_MS = 2 * 60_000;
/** an owner on this machine whose pid is alive but whose start cannot be checked: gone after this long */
export const SAME_HOST_STALE_MS = 15 * 60_000;

const OWNERLESS = 'The app stopped while this job was running (it was not finished).';

/** The start time of a process on Linux (clock ticks since boot, /proc/PID/stat field 22); null elsewhere. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (the state): a zombie has exited, only its parent has not collected it yet
    if (fields[0] === 'Z' || fields[0] === 'X') return 'exited';
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a pid is alive on this machine (EPERM: alive, another user's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why an owner is gone, or null while it may still be running its jobs. */
export function ownerGone(o: OwnerRow, now: number, host = hostname()): string | null {
  const who = `The process that ran this job (${o.app}, pid ${o.pid})`;
  const silent = now - o.heartbeat_at;
  if (o.host !== host) return silent > STALE_MS ? `${who} on ${o.host} stopped: no sign of it for ${Math.round(silent / 1000)} s.` : null;
  if (!pidAlive(o.pid)) return `${who} stopped before the job finished.`;
  const start = processStart(o.pid);
  if (start === 'exited') return `${who} stopped before the job finished.`;
  if (o.process_start !== null && start !== null) return start === o.process_start ? null : `${who} stopped before the job finished.`;
  return silent > SAME_HOST_STALE_MS ? `${who} stopped: no sign of it for ${Math.round(silent / 60_000)} min.` : null;
}

export interface Reaped {
  /** jobs failed because their owner is gone */
  jobs: number[];
  /** collections removed because their import job is no longer live */
  collections: number[];
}

export interface JobOwnerOptions {
  /** who this is, for the record and the reasons ('cli', 'browser', 'electron', 'test') */
  app?: string;
  heartbeatMs?: number;
  /** how often to look for gone owners (default REAP_MS, at most heartbeatMs) */
  reapMs?: number;
  /** told when a heartbeat's clean-up failed jobs or removed collections of gone owners */
  onReaped?: (r: Reaped) => void;
}

export class JobOwner {
  readonly id = randomUUID();
  private readonly row: Omit<OwnerRow, 'started_at'>;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastBeat: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly db: Db,
    private readonly o: JobOwnerOptions = {},
  ) {
    this.row = { id: this.id, host: hostname(), pid: process.pid, process_start: processStart(process.pid), app: o.app ?? 'app', heartbeat_at: Date.now() };
    registerOwner(db, this.row);
    this.lastBeat = this.row.heartbeat_at;
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
    // unref: the heartbeat alone does not keep a process alive
    this.timer = setInterval(() => this.beat(), Math.min(this.heartbeatMs, o.reapMs ?? REAP_MS)).unref();
  }

  /** Refreshes this owner's heartbeat when it is due, and cleans up after gone owners. */
  beat(): void {
    if (this.closed) return;
    try {
      const now = Date.now();
      if (now - this.lastBeat >= this.heartbeatMs) {
        this.lastBeat = now;
        if (!beatOwner(this.db, this.id, now)) {
          // another process took this one for dead (a clock far off, a very long stall): its jobs are failed
          // already; register again so that new jobs are owned
          console.error(`molscape: this process (pid ${process.pid}) was taken for stopped by another one; its running jobs may have been failed there.`);
          registerOwner(this.db, { ...this.row, heartbeat_at: now });
        }
      }
      const reaped = this.reap(now);
      if (reaped.jobs.length || reaped.collections.length) this.o.onReaped?.(reaped);
    } catch (err) {
      // a busy or closed database: the next beat tries again
      if (!this.closed) console.error(`molscape: job owner heartbeat failed: ${(err as Error).message}`);
    }
  }

  /**
   * Fails the live jobs of gone owners (and of none), removes those owners and the collections that their
   * imports left, in one write transaction so two processes cleaning at once do it once.
   */
  reap(now = Date.now()): Reaped {
    const goneOwners = () =>
      listOwners(this.db)
        .filter((o) => o.id !== this.id)
        .map((o) => ({ id: o.id, reason: ownerGone(o, now) }))
        .filter((o): o is { id: string; reason: string } => o.reason !== null);
    // a look first: the write lock would make this wait behind a job's transaction, and a write makes other
    // connections' caches stale
    if (!goneOwners().length && !hasOrphans(this.db, this.id)) return { jobs: [], collections: [] };
    return this.db
      .transaction((): Reaped => {
        const gone = goneOwners();
        for (const o of gone) deleteOwner(this.db, o.id);
        const jobs = failJobsOfGoneOwners(this.db, gone, OWNERLESS, this.id);
        return { jobs, collections: deleteAbandonedImports(this.db) };
      })
      .immediate();
  }

  /** Stops the heartbeat and removes the row; the caller has ended this owner's jobs first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    try {
      deleteOwner(this.db, this.id);
    } catch {
      // the workspace is gone or closed: the next process sees a dead pid
    }
  }
}
