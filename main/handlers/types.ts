// What a host (Electron, browser-mode server, tests) gets from the core: the handlers for every call of the
// contract, and one stream of events to forward to the UI.
import type { EventName, EventPayload, Handlers, Job } from '../api/contract.ts';
import type { PathPolicy } from './path-policy.ts';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Core {
  handlers: Handlers;
  /** Subscribe to every event; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

/** What createCore returns to a host in the same process: a Core, plus waiting on a job (CLI, tests). */
export interface LocalCore extends Core {
  /** Resolves with the job once it has finished (at once when it already has). */
  whenJobFinished(id: number): Promise<Job>;
}

/**
 * How the core starts a job process. Under plain Node it is child_process.fork; in Electron the host passes
 * one built on utilityProcess.fork. Both speak structured-clone messages over the same tiny interface.
 */
export interface JobProcess {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** code null with a signal name, or the exit code */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}
export type JobLauncher = (workerModule: string, env: Record<string, string>) => JobProcess;

export interface CoreOptions {
  /** Path of the workspace SQLite file (created when missing). */
  workspace: string;
  host: 'electron' | 'browser' | 'test' | 'cli';
  /** Defaults to a child_process.fork launcher. */
  launcher?: JobLauncher;
  /** The job process's entry module; defaults to main/jobs/worker.ts (or the bundled job-worker.mjs). */
  workerModule?: string;
  /** How long a cancelled job may take to stop before its process is killed (default 3000 ms). */
  cancelGraceMs?: number;
  /**
   * Start the properties job again for collections whose properties an earlier run did not finish (the app
   * was closed while it ran). Desktop and browser hosts want this; one-shot hosts (CLI, tests) do not.
   */
  resumeProperties?: boolean;
  /** Where the user's trained models are kept (default $MOLSCAPE_MODELS_DIR, else <user data>/models). */
  userModelsDir?: string;
  /** Jobs that run at once; later ones wait as 'queued' (default 2). */
  maxConcurrentJobs?: number;
  /**
   * Which paths a call may name (path-policy.ts). Default: any for the CLI and tests (the user typed them),
   * none for the desktop and browser hosts, which pass the folders and files the user granted.
   */
  paths?: PathPolicy;
}
