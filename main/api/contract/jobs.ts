// The app and its jobs: what is running, the job list, cancel; the events every job sends.
import { z } from 'zod';
import { call } from './call.ts';
import { Id, Job, JobKind } from './shapes.ts';

export const appCalls = {
  'app.info': call(
    z.object({}),
    z.object({ name: z.string(), version: z.string(), workspace: z.string(), host: z.enum(['electron', 'browser', 'test', 'cli']) }),
    'What is running and where its workspace is.',
  ),
} as const;

export const jobCalls = {
  'jobs.list': call(z.object({ limit: z.number().int().positive().max(500).default(50) }), z.array(Job), 'Recent jobs, newest first.'),
  'jobs.get': call(z.object({ id: Id }), Job, 'One job.'),
  'jobs.cancel': call(z.object({ id: Id }), z.object({ cancelled: z.boolean() }), 'Ask a running job to stop.'),
} as const;

export const jobEvents = {
  'job.progress': z.object({
    jobId: Id,
    kind: JobKind,
    done: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    /** items per second over the recent window */
    rate: z.number().nonnegative().nullable(),
    /** seconds left at the current rate; null when unknown */
    etaSeconds: z.number().nonnegative().nullable(),
    message: z.string().nullable(),
  }),
  'job.finished': z.object({
    jobId: Id,
    kind: JobKind,
    status: z.enum(['done', 'failed', 'cancelled']),
    error: z.string().nullable(),
    result: z.unknown().nullable(),
  }),
} as const;
