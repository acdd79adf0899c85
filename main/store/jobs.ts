// Jobs repository: one row per job (what the jobs panel lists), written by the host's JobManager only.
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

export function createJob(db: Db, kind: JobKind, title: string, args: unknown, status: JobStatus = 'running'): number {
  const info = db.prepare('INSERT INTO jobs (kind, status, title, args) VALUES (?, ?, ?, ?)').run(kind, status, title, JSON.stringify(args ?? {}));
  return Number(info.lastInsertRowid);
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
 * Jobs a previous run left 'running' or 'queued' (the app crashed or was killed): nothing runs them any more,
 * so they are failed with a reason. Returns their ids.
 */
export function failStaleJobs(db: Db, reason: string): number[] {
  const ids = (db.prepare("SELECT id FROM jobs WHERE status IN ('running', 'queued')").all() as { id: number }[]).map((r) => r.id);
  for (const id of ids) finishJob(db, id, 'failed', reason, null);
  return ids;
}
