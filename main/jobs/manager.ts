// JobManager: runs in the host process. Creates the jobs row, starts a job process through the launcher,
// relays its progress (throttled, with rate and ETA) and events, records how it ended, cancels on request
// (a message, then a kill after a grace period), and fails a job whose process dies without a word. Its jobs
// are owned by this process (JobOwner: a heartbeat in the workspace) and hold their lock keys, so other
// processes on the same workspace leave them alone and do not start the same work beside them.
import type { EventName, EventPayload, Job } from '../api/contract.ts';
import type { JobLauncher, JobProcess } from '../handlers/types.ts';
import type { Db } from '../store/db.ts';
import { createJob, finishJob, getJob, jobOwnerOf, LockHeldError, setJobResult, setJobStatus, updateJobProgress } from '../store/jobs.ts';
import { jobLockKey } from './job-locks.ts';
import { JobOwner, type Reaped } from './job-owner.ts';
import { isWorkerMessage, type HostMessage, type WorkerMessage } from './protocol.ts';
import { ProgressMeter, Throttle } from './progress.ts';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
type Progress = EventPayload<'job.progress'>;

export interface JobManagerOptions {
  db: Db;
  workspace: string;
  launcher: JobLauncher;
  workerModule: string;
  emit: Emit;
  /** How long a cancelled job may take to stop by itself before its process is killed. */
  cancelGraceMs?: number;
  /** Minimum time between two 'job.progress' events of one job (default 200 ms: at most 5 a second). */
  progressIntervalMs?: number;
  /** Jobs that run at once; later ones wait as 'queued' (default 2). */
  maxConcurrent?: number;
  /** who this process is, in the job owners' table ('cli', 'browser', ...) */
  app?: string;
  /** told when the heartbeat's clean-up failed jobs or removed collections of processes that are gone */
  onReaped?: (r: Reaped) => void;
  heartbeatMs?: number;
}

/** A job that another live job (in this process or another) is already doing; status 409 for the hosts. */
export class JobConflictError extends Error {
  readonly status = 409;
  constructor(
    readonly jobId: number,
    what: string,
    /** the process that runs it, when it is not this one */
    elsewhere: { app: string; pid: number } | null,
  ) {
    super(
      elsewhere
        ? `Job ${jobId} of another Molscape process (${elsewhere.app}, pid ${elsewhere.pid}) is already doing this (${what}); wait for it to finish.`
        : `Job ${jobId} is already doing this (${what}); wait for it or cancel it first.`,
    );
    this.name = 'JobConflictError';
  }
}

/** How long a cancelled train job may take to write its bundle before its process is killed. */
export const TRAIN_CANCEL_GRACE_MS = 5 * 60_000;

interface Running {
  id: number;
  kind: Job['kind'];
  process: JobProcess;
  meter: ProgressMeter;
  throttle: Throttle<Progress>;
  cancelRequested: boolean;
  ended: boolean;
  killTimer: NodeJS.Timeout | null;
}

export class JobManager {
  private readonly running = new Map<number, Running>();
  private readonly queued: { id: number; kind: Job['kind']; args: unknown }[] = [];
  private closing = false;
  private readonly waiters = new Map<number, ((job: Job) => void)[]>();
  private readonly finishedListeners: ((job: Job) => Record<string, unknown> | void)[] = [];

  readonly owner: JobOwner;

  constructor(private readonly o: JobManagerOptions) {
    this.owner = new JobOwner(o.db, { app: o.app, onReaped: o.onReaped, heartbeatMs: o.heartbeatMs });
  }

  /**
   * Fails the jobs whose process is gone (a crash, kill -9, a closed laptop lid is not one: its process
   * lives) and removes the collections their imports left half-written; jobs of live processes, this one or
   * others, are left alone. Call on start-up; the heartbeat repeats it.
   */
  recoverStale(): Reaped {
    return this.owner.reap();
  }

  /**
   * Records a job and starts it, or queues it while maxConcurrent jobs run (each job keeps every core busy,
   * so more at once only share the same cores and multiply the memory). Throws JobConflictError when a live
   * job holds the same lock key (jobLockKey), after checking once that its owner is not gone.
   */
  start(kind: Job['kind'], title: string, args: unknown): number {
    const queue = this.running.size >= (this.o.maxConcurrent ?? 2);
    const lockKey = jobLockKey(kind, args);
    const record = () => createJob(this.o.db, kind, title, args, queue ? 'queued' : 'running', { ownerId: this.owner.id, lockKey });
    let id: number;
    try {
      try {
        id = record();
      } catch (err) {
        if (!(err instanceof LockHeldError)) throw err;
        // the holder may be the job of a process that died since the last clean-up
        this.owner.reap();
        id = record();
      }
    } catch (err) {
      if (err instanceof LockHeldError) throw new JobConflictError(err.holder, err.lockKey, this.isRunning(err.holder) ? null : jobOwnerOf(this.o.db, err.holder));
      throw err;
    }
    if (queue) this.queued.push({ id, kind, args });
    else this.launch(id, kind, args);
    return id;
  }

  private launch(id: number, kind: Job['kind'], args: unknown): void {
    let child: JobProcess;
    try {
      child = this.o.launcher(this.o.workerModule, { MOLSCAPE_JOB_ID: String(id) });
    } catch (err) {
      this.end(id, kind, 'failed', `Could not start the job process: ${(err as Error).message}`, null);
      return;
    }
    const r: Running = {
      id,
      kind,
      process: child,
      meter: new ProgressMeter(),
      throttle: new Throttle(this.o.progressIntervalMs ?? 200, (p) => {
        // Progress is best-effort: a write that cannot be made now (the connection busy with a statement another
        // call holds open, a full disk) must not take the host down from inside this message handler; the next
        // update writes it again, and the event still goes out.
        try {
          updateJobProgress(this.o.db, id, p.done, p.total);
        } catch (err) {
          process.stderr.write(`molscape: job ${id}: progress ${p.done}/${p.total ?? '?'} not recorded: ${(err as Error).message}\n`);
        }
        this.o.emit('job.progress', p);
      }),
      cancelRequested: false,
      ended: false,
      killTimer: null,
    };
    this.running.set(id, r);
    child.onMessage((m) => {
      if (isWorkerMessage(m)) this.onMessage(r, m);
    });
    child.onExit((code, signal) => this.onExit(r, code, signal));
    const start: HostMessage = { type: 'start', jobId: id, kind, args, workspace: this.o.workspace };
    child.postMessage(start);
  }

  /** Starts queued jobs while there is room. */
  private startQueued(): void {
    while (this.queued.length && this.running.size < (this.o.maxConcurrent ?? 2) && !this.closing) {
      const next = this.queued.shift()!;
      setJobStatus(this.o.db, next.id, 'running');
      this.launch(next.id, next.kind, next.args);
    }
  }

  /** Asks a running job to stop, or drops a queued one; false when it is neither. */
  cancel(id: number): boolean {
    const q = this.queued.findIndex((j) => j.id === id);
    if (q >= 0) {
      const [job] = this.queued.splice(q, 1);
      this.end(job.id, job.kind, 'cancelled', null, null);
      return true;
    }
    const r = this.running.get(id);
    if (!r || r.ended) return false;
    if (r.cancelRequested) return true;
    r.cancelRequested = true;
    r.process.postMessage({ type: 'cancel' } satisfies HostMessage);
    // a cancelled training run stops at a step boundary and then writes the model bundle of its checkpoint
    // (held-out figures, graphs, latent statistics, training-set index: tens of seconds for the shipped model's
    // size): it must not be killed while it keeps what was asked for
    const grace = r.kind === 'train' ? Math.max(this.o.cancelGraceMs ?? 3000, TRAIN_CANCEL_GRACE_MS) : (this.o.cancelGraceMs ?? 3000);
    r.killTimer = setTimeout(() => r.process.kill(), grace);
    return true;
  }

  isRunning(id: number): boolean {
    return this.running.has(id) || this.queued.some((j) => j.id === id);
  }

  /** Resolves with the job once it has finished (at once when it already has). */
  whenFinished(id: number): Promise<Job> {
    const job = getJob(this.o.db, id);
    if (!this.isRunning(id)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /**
   * Called after every job's end is recorded, before 'job.finished' is emitted; what a listener returns is
   * merged into the job's result (how the core adds the id of the job it chains on).
   */
  onFinished(listener: (job: Job) => Record<string, unknown> | void): void {
    this.finishedListeners.push(listener);
  }

  /** Stops every running job: cancel, then kill after the grace period; resolves when all have ended. */
  async close(): Promise<void> {
    this.closing = true;
    const ids = [...this.queued.map((j) => j.id), ...this.running.keys()];
    for (const id of ids) this.cancel(id);
    await Promise.all(ids.map((id) => this.whenFinished(id)));
    this.owner.close();
  }

  private onMessage(r: Running, m: WorkerMessage): void {
    if (r.ended) return;
    switch (m.type) {
      case 'progress': {
        r.meter.add(m.done);
        r.throttle.push({
          jobId: r.id,
          kind: r.kind,
          done: m.done,
          total: m.total,
          rate: r.meter.rate(),
          etaSeconds: r.meter.eta(m.done, m.total),
          message: m.message,
        });
        break;
      }
      case 'event':
        this.o.emit(m.event, m.payload);
        break;
      case 'done':
        this.end(r.id, r.kind, 'done', null, m.result);
        break;
      case 'failed':
        this.end(r.id, r.kind, 'failed', m.error, null);
        break;
      case 'cancelled':
        this.end(r.id, r.kind, 'cancelled', null, null);
        break;
    }
  }

  private onExit(r: Running, code: number | null, signal: string | null): void {
    if (r.ended) return;
    if (r.cancelRequested) return this.end(r.id, r.kind, 'cancelled', null, null);
    const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory, or killed from outside)' : ''}` : `exited with code ${code}`;
    this.end(r.id, r.kind, 'failed', `The job process ${how} before the job finished.`, null);
  }

  private end(id: number, kind: Job['kind'], status: 'done' | 'failed' | 'cancelled', error: string | null, result: unknown): void {
    const r = this.running.get(id);
    if (r) {
      r.ended = true;
      if (r.killTimer) clearTimeout(r.killTimer);
      r.throttle.flush();
      this.running.delete(id);
      // a process that reported its end exits by itself; one that lingers is not left behind
      setTimeout(() => r.process.kill(), 5000).unref();
    }
    finishJob(this.o.db, id, status, error, result ?? null);
    let job = getJob(this.o.db, id);
    for (const l of this.finishedListeners) {
      try {
        const patch = l(job);
        if (patch) {
          setJobResult(this.o.db, id, { ...(job.result as object | null), ...patch });
          job = getJob(this.o.db, id);
        }
      } catch (err) {
        console.error(`Job ${id}: a finish listener failed: ${(err as Error).message}`);
      }
    }
    this.o.emit('job.finished', { jobId: id, kind, status, error, result: job.result });
    for (const w of this.waiters.get(id) ?? []) w(job);
    this.waiters.delete(id);
    this.startQueued();
  }
}
