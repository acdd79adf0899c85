// The encode job of one collection: latent vectors for the active model, followed from 'job.progress' /
// 'job.finished' events like an import (same run shape, so the same progress card shows it). Events can beat
// the call's answer, so those of a job not yet known are kept until the job id is.
import type { ApiClient } from '../../../main/api/client.ts';
import type { EventPayload } from '../../../main/api/contract.ts';
import type { ImportRun } from './import-job.svelte.ts';

type Progress = EventPayload<'job.progress'>;
type Finished = EventPayload<'job.finished'>;

export class EncodeJobState {
  run = $state<ImportRun | null>(null);
  busy = $derived(this.run !== null && ['reading', 'starting', 'running'].includes(this.run.phase));

  readonly #client: ApiClient;
  readonly #collectionId: number;
  readonly #onDone: () => void;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #early = new Map<number, { progress?: Progress; finished?: Finished }>();

  constructor(client: ApiClient, collectionId: number, onDone: () => void = () => {}) {
    this.#client = client;
    this.#collectionId = collectionId;
    this.#onDone = onDone;
  }

  watch(): () => void {
    const offProgress = this.#client.on('job.progress', (p) => this.#progress(p));
    const offFinished = this.#client.on('job.finished', (f) => this.#finished(f));
    return () => {
      offProgress();
      offFinished();
    };
  }

  async start(title: string, model?: string): Promise<void> {
    if (this.busy) return;
    this.#early.clear();
    this.run = { fileName: title, phase: 'starting', jobId: null, done: 0, total: null, rate: null, etaSeconds: null, message: null, error: null, startedAt: Date.now(), finishedAt: null, collectionId: this.#collectionId };
    try {
      const { jobId } = await this.#client.call('latent.encodeCollection', { collectionId: this.#collectionId, model });
      this.#set({ jobId, phase: 'running' });
      const early = this.#early.get(jobId);
      this.#early.clear();
      if (early?.progress) this.#progress(early.progress);
      if (early?.finished) this.#finished(early.finished);
    } catch (error) {
      this.#set({ phase: 'failed', error: `Could not encode: ${(error as Error).message}`, finishedAt: Date.now() });
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.run?.jobId;
    if (!this.busy || jobId == null) return;
    try {
      await this.#client.call('jobs.cancel', { id: jobId });
    } catch (error) {
      this.#set({ error: `Could not cancel: ${(error as Error).message}` });
    }
  }

  dismiss() {
    if (!this.busy) this.run = null;
  }

  #progress(p: Progress) {
    if (p.kind !== 'encode' || !this.busy) return;
    if (this.run?.jobId == null) {
      this.#early.set(p.jobId, { ...this.#early.get(p.jobId), progress: p });
      return;
    }
    if (p.jobId !== this.run.jobId) return;
    this.#set({ done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, message: p.message });
  }

  #finished(f: Finished) {
    if (f.kind !== 'encode' || !this.busy) return;
    if (this.run?.jobId == null) {
      this.#early.set(f.jobId, { ...this.#early.get(f.jobId), finished: f });
      return;
    }
    if (f.jobId !== this.run.jobId) return;
    const error = f.status === 'failed' ? `Encoding failed: ${f.error ?? 'unknown error'}` : null;
    const done = f.status === 'done' && this.run.total !== null ? Math.max(this.run.done, this.run.total) : this.run.done;
    this.#set({ phase: f.status, error, done, etaSeconds: null, finishedAt: Date.now() });
    // Cancelled: what was encoded before the stop is stored, so the map is worth reloading too.
    if (f.status !== 'failed') this.#onDone();
  }

  #set(patch: Partial<ImportRun>) {
    if (this.run) this.run = { ...this.run, ...patch };
  }
}
