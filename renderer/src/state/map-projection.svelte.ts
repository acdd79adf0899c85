// Which projection the latent map shows: the model's PCA plane (always there) or a UMAP layout of the collection
// (computed on request by a layout job, then stored). Choosing UMAP first asks the core whether a layout
// exists (latent.layoutInfo; latent.map would answer 409); without one, the map stays on PCA under an
// invitation to compute it, whose job is followed like an encode (followed-job.svelte.ts: same run shape, so the
// same progress card shows it); a layout job already running for it (started before a reload) is followed too.
import type { ApiClient } from '../../../main/api/client.ts';
import { FollowedJob, type Finished, type Progress } from './followed-job.svelte.ts';
import type { ImportRun } from './import-job.svelte.ts';

export type Projection = 'pca' | 'umap';

/** What this needs of the map: which projection it reads, and a way to read it again. */
export interface ProjectedMap {
  projection: Projection;
  load(): Promise<void>;
}

export class MapProjectionState extends FollowedJob {
  /** what the switch says */
  choice = $state<Projection>('pca');
  /** whether the collection has a UMAP layout for the model (null: not asked yet) */
  hasLayout = $state<boolean | null>(null);
  checking = $state(false);
  error = $state<string | null>(null);
  // run / busy (inherited): the layout job, for the progress card

  readonly #map: ProjectedMap;
  #request = 0;
  /** what the job last said it was doing */
  #stage: string | null = null;

  constructor(client: ApiClient, collectionId: number, map: ProjectedMap) {
    super(client, collectionId, 'layout');
    this.#map = map;
  }

  /** the map on show is the UMAP layout (designed molecules, placed on the PCA plane, are not drawn on it) */
  get showsUmap(): boolean {
    return this.#map.projection === 'umap';
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
    this.error = null;
    this.#stage = null;
    await this.startJob(title, () => this.client.call('latent.layout', { collectionId: this.collectionId, model }), 'Could not compute the UMAP layout');
  }

  async #layoutExists(): Promise<boolean> {
    const info = await this.client.call('latent.layoutInfo', { collectionId: this.collectionId });
    if (info.runningJobId !== null && !this.busy) {
      this.#stage = null;
      this.followRunning(info.runningJobId, 'UMAP layout');
    }
    return info.umap !== null;
  }

  async #show(projection: Projection) {
    this.#map.projection = projection;
    await this.#map.load();
  }

  protected progressPatch(p: Progress): Partial<ImportRun> {
    // the card's rate reads "molecules/s": an epoch rate goes in the message instead, after the job's last word
    if (p.message) this.#stage = p.message;
    const perSecond = p.total !== null && p.rate !== null && p.rate > 0 ? `${p.rate < 10 ? p.rate.toFixed(1) : Math.round(p.rate)} epochs/s` : null;
    return { done: p.done, total: p.total, rate: null, etaSeconds: p.etaSeconds, message: [this.#stage, perSecond].filter(Boolean).join(' · ') || null };
  }

  protected failureText(error: string): string {
    return `The UMAP layout failed: ${error}`;
  }

  protected ended(f: Finished): void {
    if (f.status !== 'done') return;
    this.hasLayout = true;
    // a new layout replaces the one on show; shown at once if the switch is on UMAP
    if (this.choice === 'umap') void this.#show('umap');
  }
}
