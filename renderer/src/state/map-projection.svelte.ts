// Which projection the latent map shows: the model's PCA plane (always there) or a UMAP layout of the collection
// (computed on request by a layout job, then stored). Choosing UMAP first asks the core whether a layout
// exists (latent.layoutInfo; latent.map would answer 409); without one, the map stays on PCA under an
// invitation to compute it, whose job is followed like an encode (same run shape, so the same progress card
// shows it); a layout job already running for it (started before a reload) is followed the same way.
// Events can beat the call's answer, so those of a job not yet known are kept until the job id is.
import type { ApiClient } from '../../../main/api/client.ts';
import type { EventPayload } from '../../../main/api/contract.ts';
import type { ImportRun } from './import-job.svelte.ts';

type Progress = EventPayload<'job.progress'>;
type Finished = EventPayload<'job.finished'>;
export type Projection = 'pca' | 'umap';

/** What this needs of the map: which projection it reads, and a way to read it again. */
export interface ProjectedMap {
  projection: Projection;
  load(): Promise<void>;
}

export class MapProjectionState {
  /** what the switch says */
  choice = $state<Projection>('pca');
  /** whether the collection has a UMAP layout for the model (null: not asked yet) */
  hasLayout = $state<boolean | null>(null);
  checking = $state(false);
  error = $state<string | null>(null);
  /** the layout job, for the progress card */
  run = $state<ImportRun | null>(null);
  busy = $derived(this.run !== null && ['reading', 'starting', 'running'].includes(this.run.phase));

  readonly #client: ApiClient;
  readonly #collectionId: number;
  readonly #map: ProjectedMap;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #early = new Map<number, { progress?: Progress; finished?: Finished }>();
  #request = 0;
  /** what the job last said it was doing */
  #stage: string | null = null;

  constructor(client: ApiClient, collectionId: number, map: ProjectedMap) {
    this.#client = client;
    this.#collectionId = collectionId;
    this.#map = map;
  }

  /** the map on show is the UMAP layout (designed molecules, placed on the PCA plane, are not drawn on it) */
  get showsUmap(): boolean {
    return this.#map.projection === 'umap';
  }

  watch(): () => void {
    const offProgress = this.#client.on('job.progress', (p) => this.#progress(p));
    const offFinished = this.#client.on('job.finished', (f) => this.#finished(f));
    return () => {
      offProgress();
      offFinished();
    };
  }

  async choose(projection: Projection): Promise<void> {
    const request = ++this.#request;
    this.choice = projection;
    this.error = null;
    if (projection === 'pca') {
      if (this.#map.projection !== 'pca') await this.#show('pca');
      return;
    }
    if (this.hasLayout !== true) {
      this.checking = true;
      try {
        this.hasLayout = await this.#layoutExists();
      } catch (error) {
        if (request === this.#request) this.error = `Could not read the UMAP layout: ${(error as Error).message}`;
        return;
      } finally {
        if (request === this.#request) this.checking = false;
      }
    }
    // the switch may have moved on while the core answered
    if (request === this.#request && this.choice === 'umap' && this.hasLayout) await this.#show('umap');
  }

  /** Start the layout job (UMAP of the collection's encoded molecules); the map shows it when it is done. */
  async compute(title: string, model?: string): Promise<void> {
    if (this.busy) return;
    this.#early.clear();
    this.error = null;
    this.#stage = null;
    this.run = { fileName: title, phase: 'starting', jobId: null, done: 0, total: null, rate: null, etaSeconds: null, message: null, error: null, startedAt: Date.now(), finishedAt: null, collectionId: this.#collectionId };
    try {
      const { jobId } = await this.#client.call('latent.layout', { collectionId: this.#collectionId, model });
      this.#set({ jobId, phase: 'running' });
      const early = this.#early.get(jobId);
      this.#early.clear();
      if (early?.progress) this.#progress(early.progress);
      if (early?.finished) this.#finished(early.finished);
    } catch (error) {
      this.#set({ phase: 'failed', error: `Could not compute the UMAP layout: ${(error as Error).message}`, finishedAt: Date.now() });
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

  async #layoutExists(): Promise<boolean> {
    const info = await this.#client.call('latent.layoutInfo', { collectionId: this.#collectionId });
    if (info.runningJobId !== null && !this.busy) {
      this.#stage = null;
      this.run = { fileName: 'UMAP layout', phase: 'running', jobId: info.runningJobId, done: 0, total: null, rate: null, etaSeconds: null, message: null, error: null, startedAt: Date.now(), finishedAt: null, collectionId: this.#collectionId };
    }
    return info.umap !== null;
  }

  async #show(projection: Projection) {
    this.#map.projection = projection;
    await this.#map.load();
  }

  #progress(p: Progress) {
    if (p.kind !== 'layout' || !this.busy) return;
    if (this.run?.jobId == null) {
      this.#early.set(p.jobId, { ...this.#early.get(p.jobId), progress: p });
      return;
    }
    if (p.jobId !== this.run.jobId) return;
    // the card's rate reads "molecules/s": an epoch rate goes in the message instead, after the job's last word
    if (p.message) this.#stage = p.message;
    const perSecond = p.total !== null && p.rate !== null && p.rate > 0 ? `${p.rate < 10 ? p.rate.toFixed(1) : Math.round(p.rate)} epochs/s` : null;
    this.#set({ done: p.done, total: p.total, rate: null, etaSeconds: p.etaSeconds, message: [this.#stage, perSecond].filter(Boolean).join(' · ') || null });
  }

  #finished(f: Finished) {
    if (f.kind !== 'layout' || !this.busy) return;
    if (this.run?.jobId == null) {
      this.#early.set(f.jobId, { ...this.#early.get(f.jobId), finished: f });
      return;
    }
    if (f.jobId !== this.run.jobId) return;
    const error = f.status === 'failed' ? `The UMAP layout failed: ${f.error ?? 'unknown error'}` : null;
    const done = f.status === 'done' && this.run.total !== null ? Math.max(this.run.done, this.run.total) : this.run.done;
    this.#set({ phase: f.status, error, done, etaSeconds: null, finishedAt: Date.now() });
    if (f.status !== 'done') return;
    this.hasLayout = true;
    // a new layout replaces the one on show; shown at once if the switch is on UMAP
    if (this.choice === 'umap') void this.#show('umap');
  }

  #set(patch: Partial<ImportRun>) {
    if (this.run) this.run = { ...this.run, ...patch };
  }
}
