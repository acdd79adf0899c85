// Errors a user can cause carry an HTTP-like status that the hosts pass on (the browser-mode server answers
// with it, the Electron bridge copies it): 404 for an id that does not exist, 400 for a bad path or upload.
import type { Collection, Job } from '../api/contract.ts';
import type { Db } from '../store/db.ts';
import { findCollection } from '../store/collections.ts';
import { findJob } from '../store/jobs.ts';

export class UserError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409,
  ) {
    super(message);
    this.name = status === 404 ? 'NotFoundError' : 'UserError';
  }
}

export const notFound = (message: string): UserError => new UserError(message, 404);
export const badRequest = (message: string): UserError => new UserError(message, 400);

export function requireCollection(db: Db, id: number): Collection {
  const c = findCollection(db, id);
  if (!c) throw notFound(`There is no collection with id ${id} in this workspace.`);
  return c;
}

export function requireJob(db: Db, id: number): Job {
  const job = findJob(db, id);
  if (!job) throw notFound(`There is no job with id ${id} in this workspace.`);
  return job;
}
