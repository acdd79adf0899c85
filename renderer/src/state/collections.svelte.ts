// The sidebar's list of collections and which one is open. Kept fresh from 'collections.changed' events
// (new imports, counts filling in as the properties job runs).
import type { ApiClient } from '../../../main/api/client.ts';
import type { Collection } from '../../../main/api/contract.ts';
import { coalesce } from '../lib/coalesce.ts';

export class CollectionsState {
  list = $state.raw<Collection[]>([]);
  selectedId = $state<number | null>(null);
  loaded = $state(false);
  error = $state<string | null>(null);

  selected = $derived(this.list.find((c) => c.id === this.selectedId) ?? null);

  readonly refresh: () => Promise<void>;
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    this.refresh = coalesce(async () => {
      try {
        this.list = await this.#client.call('collections.list', {});
        this.error = null;
      } catch (error) {
        this.error = `Could not list the collections: ${(error as Error).message}`;
      }
      this.loaded = true;
      // Open the newest collection when nothing (or a deleted one) is selected.
      if (this.selectedId === null || !this.list.some((c) => c.id === this.selectedId)) this.selectedId = this.list[0]?.id ?? null;
    });
  }

  /** Listen for changes; returns the unsubscribe function. */
  watch(): () => void {
    return this.#client.on('collections.changed', () => void this.refresh());
  }

  select(id: number) {
    this.selectedId = id;
  }

  // ---- managing (issue 17, item 6): each refreshes the list itself rather than wait for the event ----

  async rename(id: number, name: string): Promise<Collection> {
    const c = await this.#client.call('collections.rename', { id, name });
    await this.refresh();
    return c;
  }

  /** A copy (same kind), opened. */
  async duplicate(id: number): Promise<Collection> {
    const c = await this.#client.call('collections.duplicate', { id });
    await this.refresh();
    this.select(c.id);
    return c;
  }

  /** Deletes undoably: the action to push on the undo stack is returned (it restores and opens it again). */
  async remove(id: number): Promise<{ label: string; undo: () => Promise<void> }> {
    const c = this.list.find((x) => x.id === id);
    // close its view first: a table still open on it would ask for rows the core no longer has
    const wasOpen = this.selectedId === id;
    if (wasOpen) this.selectedId = this.list.find((x) => x.id !== id)?.id ?? null;
    try {
      await this.#client.call('collections.delete', { id, undoable: true });
    } catch (e) {
      if (wasOpen) this.selectedId = id;
      throw e;
    }
    await this.refresh();
    return {
      label: `Deleted '${c?.name ?? id}'`,
      undo: async () => {
        await this.#client.call('collections.restore', { id });
        await this.refresh();
        this.select(id);
      },
    };
  }
}

