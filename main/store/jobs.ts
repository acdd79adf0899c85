// Jobs repository: one row per job (what the jobs panel lists), written by the host's JobManager only. A job
// belongs to the process whose JobManager started it (owner_id, migration 007) and may hold a lock key: one
// live job per key in the whole workspace, whichever process runs it.
import type { Job } from '../api/contract.ts';
import type { Db } from './db.ts';
import { parseJson } from './json.ts';

type JobKind = Job['kind'];
type JobStatus = Job['status'];

interface JobRow {
  id: number;
  kind: JobKind;
  status: JobStatus;
  title: string;
  args: string;
  done: number;
  total: number | null;
  error: string | null;
  result: string | null;
  created_at: string;
  finished_at: string | null;
  owner_id: string | null;
  lock_key: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  title: r.title,
  done: r.done,
  total: r.total,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  result: parseJson<unknown>(r.result, null),
});

export interface JobOwnership {
  ownerId: string | null;
  /** what the job works on ('properties 12'); null when any number of such jobs may run at once */
  lockKey?: string | null;
}

/** createJob's refusal: a live job (`holder`) already holds the lock key. */
export class LockHeldError extends Error {
  constructor(
    readonly lockKey: string,
    readonly holder: number,
  ) {
    super(`Job ${holder} is already working on this (${lockKey}).`);
    this.name = 'LockHeldError';
  }
}

/**
 * Records a job. With a lock key that a live (queued or running) job already holds, nothing is written and
 * LockHeldError names the holder: the unique index decides, so two processes racing for the same work
 * cannot both get it.
 */
export function createJob(db: Db, kind: JobKind, title: string, args: unknown, status: JobStatus = 'running', ownership: JobOwnership = { ownerId: null }): number {
  try {
    const info = db
      .prepare('INSERT INTO jobs (kind, status, title, args, owner_id, lock_key) VALUES (?, ?, ?, ?, ?, ?)')
      .run(kind, status, title, JSON.stringify(args ?? {}), ownership.ownerId, ownership.lockKey ?? null);
    return Number(info.lastInsertRowid);
  } catch (err) {
    const holder = ownership.lockKey ? lockHolder(db, ownership.lockKey) : null;
    if (holder && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new LockHeldError(ownership.lockKey!, holder.id);
    throw err;
  }
}

/** The live (queued or running) job that holds a lock key, or null. */
export function lockHolder(db: Db, lockKey: string): { id: number; ownerId: string | null } | null {
  const row = db.prepare("SELECT id, owner_id AS ownerId FROM jobs WHERE lock_key = ? AND status IN ('queued', 'running')").get(lockKey) as
    | { id: number; ownerId: string | null }
    | undefined;
  return row ?? null;
}

export function findJob(db: Db, id: number): Job | null {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toJob(row) : null;
}

export function getJob(db: Db, id: number): Job {
  const job = findJob(db, id);
  if (!job) throw new Error(`There is no job with id ${id} in this workspace.`);
  return job;
}

export function jobArgs(db: Db, id: number): unknown {
  const row = db.prepare('SELECT args FROM jobs WHERE id = ?').get(id) as { args: string } | undefined;
  return parseJson<unknown>(row?.args, null);
}

export function listJobs(db: Db, limit: number): Job[] {
  return (db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[]).map(toJob);
}

export function updateJobProgress(db: Db, id: number, done: number, total: number | null): void {
  db.prepare('UPDATE jobs SET done = ?, total = ? WHERE id = ?').run(done, total, id);
}

export function finishJob(db: Db, id: number, status: 'done' | 'failed' | 'cancelled', error: string | null, result: unknown): void {
  db.prepare(
    "UPDATE jobs SET status = ?, error = ?, result = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
  ).run(status, error, result === undefined || result === null ? null : JSON.stringify(result), id);
}

export function setJobStatus(db: Db, id: number, status: JobStatus): void {
  db.prepare('UPDATE jobs SET status = ? WHERE id = ?').run(status, id);
}

export function setJobResult(db: Db, id: number, result: unknown): void {
  db.prepare('UPDATE jobs SET result = ? WHERE id = ?').run(JSON.stringify(result ?? null), id);
}

/**
 * Fails the live jobs of owners that are gone (each with its own reason), and then live jobs without a
 * registered owner (left by a version before owners, or by an owner whose row was removed), with
 * `ownerlessReason`. Live jobs of registered owners not listed are left alone: their processes still run
 * them. Returns the ids failed. The caller runs it in one write transaction with the owners' removal.
 */
export function failJobsOfGoneOwners(db: Db, gone: readonly { id: string; reason: string }[], ownerlessReason: string, selfId: string | null = null): number[] {
  const failed: number[] = [];
  const live = db.prepare("SELECT id FROM jobs WHERE owner_id = ? AND status IN ('running', 'queued')");
  for (const o of gone) {
    for (const id of live.pluck().all(o.id) as number[]) {
      finishJob(db, id, 'failed', o.reason, null);
      failed.push(id);
    }
  }
  const ownerless = db
    .prepare(`SELECT id FROM jobs WHERE status IN ('running', 'queued') AND (owner_id IS NULL OR (owner_id IS NOT ? AND owner_id NOT IN (SELECT id FROM job_owners)))`)
    .pluck()
    .all(selfId) as number[];
  for (const id of ownerless) {
    finishJob(db, id, 'failed', ownerlessReason, null);
    failed.push(id);
  }
  return failed;
}

/**
 * Whether clean-up has anything to do besides gone owners: live jobs without a registered owner (the caller's
 * own, `selfId`, excepted: its row may be missing for a moment after another process took it for dead), or
 * collections whose import job is not live.
 */
export function hasOrphans(db: Db, selfId: string | null = null): boolean {
  return (
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM jobs WHERE status IN ('running', 'queued') AND (owner_id IS NULL OR (owner_id IS NOT ? AND owner_id NOT IN (SELECT id FROM job_owners))))
             OR EXISTS (SELECT 1 FROM collections WHERE importing_job_id IS NOT NULL
                          AND importing_job_id NOT IN (SELECT id FROM jobs WHERE status IN ('queued', 'running')))`,
      )
      .pluck()
      .get(selfId) === 1
  );
}

export interface LiveJobOn {
  id: number;
  kind: JobKind;
  ownerId: string | null;
  /** the owner's app and pid, null when it has no registered owner */
  app: string | null;
  pid: number | null;
}

/** The live (queued or running) jobs working on a collection: its import, and jobs whose args name it. */
export function liveJobsOn(db: Db, collectionId: number): LiveJobOn[] {
  return db
    .prepare(
      `SELECT j.id, j.kind, j.owner_id AS ownerId, o.app, o.pid FROM jobs j LEFT JOIN job_owners o ON o.id = j.owner_id
        WHERE j.status IN ('queued', 'running')
          AND (json_extract(j.args, '$.collectionId') = ? OR j.id = (SELECT importing_job_id FROM collections WHERE id = ?))
        ORDER BY j.id`,
    )
    .all(collectionId, collectionId) as LiveJobOn[];
}

/** The registered owner of a job (app and pid), or null. */
export function jobOwnerOf(db: Db, jobId: number): { app: string; pid: number } | null {
  const row = db.prepare('SELECT o.app, o.pid FROM jobs j JOIN job_owners o ON o.id = j.owner_id WHERE j.id = ?').get(jobId) as { app: string; pid: number } | undefined;
  return row ?? null;
}
