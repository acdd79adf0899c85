// The encode job of one collection: latent vectors for the active model, followed like an import (same run
// shape, so the same progress card shows it; see followed-job.svelte.ts).
import type { ApiClient } from '../../../main/api/client.ts';
import { FollowedJob, type Finished } from './followed-job.svelte.ts';

export class EncodeJobState extends FollowedJob {
  readonly #onDone: () => void;

  constructor(client: ApiClient, collectionId: number, onDone: () => void = () => {}) {
    super(client, collectionId, 'encode');
    this.#onDone = onDone;
  }

  async start(title: string, model?: string): Promise<void> {
    if (this.busy) return;
    await this.startJob(title, () => this.client.call('latent.encodeCollection', { collectionId: this.collectionId, model }), 'Could not encode');
  }

  protected failureText(error: string): string {
    return `Encoding failed: ${error}`;
  }

  protected ended(f: Finished): void {
    // Cancelled: what was encoded before the stop is stored, so the map is worth reloading too.
    if (f.status !== 'failed') this.#onDone();
  }
}
