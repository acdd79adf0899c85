// A job of one collection followed from 'job.progress' / 'job.finished' events into the run shape the import
// uses, so the same progress card shows it: start (the call's answer may come after the job's first events, so
// those of a job not yet known are kept until its id is), follow one already running, cancel, dismiss. The
// encode job and the UMAP layout job are followed this way; subclasses say what a failure reads like and what
// follows the end.
import type { ApiClient } from '../../../main/api/client.ts';
import type { EventPayload, Job } from '../../../main/api/contract.ts';
import type { ImportRun } from './import-job.svelte.ts';

export type Progress = EventPayload<'job.progress'>;
export type Finished = EventPayload<'job.finished'>;

export abstract class FollowedJob {
  run = $state<ImportRun | null>(null);
  busy = $derived(this.run !== null && ['reading', 'starting', 'running'].includes(this.run.phase));

  protected readonly client: ApiClient;
  protected readonly collectionId: number;
  readonly #kind: Job['kind'];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #early = new Map<number, { progress?: Progress; finished?: Finished }>();

  constructor(client: ApiClient, collectionId: number, kind: Job['kind']) {
    this.client = client;
    this.collectionId = collectionId;
    this.#kind = kind;
  }

  watch(): () => void {
    const offProgress = this.client.on('job.progress', (p) => this.#progress(p));
    const offFinished = this.client.on('job.finished', (f) => this.#finished(f));
    return () => {
      offProgress();
      offFinished();
    };
  }

  async cancel(): Promise<void> {
    const jobId = this.run?.jobId;
    if (!this.busy || jobId == null) return;
    try {
      await this.client.call('jobs.cancel', { id: jobId });
    } catch (error) {
      this.set({ error: `Could not cancel: ${(error as Error).message}` });
    }
  }

  dismiss() {
    if (!this.busy) this.run = null;
  }

  /** Starts the job with `call`; `couldNot` leads the message when the call itself fails. */
  protected async startJob(title: string, call: () => Promise<{ jobId: number }>, couldNot: string): Promise<void> {
    this.#early.clear();
    this.run = this.#fresh(title, 'starting', null);
    try {
      const { jobId } = await call();
      this.set({ jobId, phase: 'running' });
      const early = this.#early.get(jobId);
      this.#early.clear();
      if (early?.progress) this.#progress(early.progress);
      if (early?.finished) this.#finished(early.finished);
    } catch (error) {
      this.set({ phase: 'failed', error: `${couldNot}: ${(error as Error).message}`, finishedAt: Date.now() });
    }
  }

  /** Follows a job that is already running (started before a reload). */
  protected followRunning(jobId: number, title: string) {
    this.run = this.#fresh(title, 'running', jobId);
  }

  /** What a progress event changes on the run. */
  protected progressPatch(p: Progress): Partial<ImportRun> {
    return { done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, message: p.message };
  }

  /** The run's error when the job failed. */
  protected abstract failureText(error: string): string;

  /** After the run has taken the job's end. */
  protected ended(_f: Finished): void {}

  protected set(patch: Partial<ImportRun>) {
    if (this.run) this.run = { ...this.run, ...patch };
  }

  #fresh(title: string, phase: ImportRun['phase'], jobId: number | null): ImportRun {
    return { fileName: title, phase, jobId, done: 0, total: null, rate: null, etaSeconds: null, message: null, error: null, startedAt: Date.now(), finishedAt: null, collectionId: this.collectionId };
  }

  /**
   * Whether an event is the followed run's to apply now. One of this kind that comes before the run knows its
   * job id is kept (under `as`) for when it does.
   */
  #ours<K extends 'progress' | 'finished'>(e: { progress: Progress; finished: Finished }[K], as: K): boolean {
    if (e.kind !== this.#kind || !this.busy) return false;
    if (this.run?.jobId == null) {
      this.#early.set(e.jobId, { ...this.#early.get(e.jobId), [as]: e });
      return false;
    }
    return e.jobId === this.run.jobId;
  }

  #progress(p: Progress) {
    if (this.#ours(p, 'progress')) this.set(this.progressPatch(p));
  }

  #finished(f: Finished) {
    if (!this.#ours(f, 'finished') || !this.run) return;
    const error = f.status === 'failed' ? this.failureText(f.error ?? 'unknown error') : null;
    const done = f.status === 'done' && this.run.total !== null ? Math.max(this.run.done, this.run.total) : this.run.done;
    this.set({ phase: f.status, error, done, etaSeconds: null, finishedAt: Date.now() });
    this.ended(f);
  }
}
