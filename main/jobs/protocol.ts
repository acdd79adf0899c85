// The messages between the host's JobManager and a job process (structured-clone objects, the same over
// child_process IPC and Electron's utilityProcess).
import type { EventName, EventPayload, Job } from '../api/contract.ts';

export type HostMessage =
  | { type: 'start'; jobId: number; kind: Job['kind']; args: unknown; workspace: string }
  | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number | null; message: string | null }
  | { type: 'event'; event: EventName; payload: EventPayload<EventName> }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: string }
  | { type: 'cancelled' };

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
