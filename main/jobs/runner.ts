// What a job's code sees inside the job process: its arguments, the workspace, a way to report progress
// and events, and an AbortSignal that fires when the user cancels.
import type { EventName, EventPayload } from '../api/contract.ts';

export interface JobContext {
  jobId: number;
  workspace: string;
  args: unknown;
  /** Cheap to call often: the worker forwards at most ~10 updates a second. */
  progress(done: number, total: number | null, message?: string | null): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  signal: AbortSignal;
}

export type JobRunner = (ctx: JobContext) => Promise<unknown>;

/** Thrown by a runner that stopped because its signal fired. */
export class JobCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'JobCancelled';
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelled();
}
