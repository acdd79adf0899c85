// The lines of a collection's source file that could not be imported, loaded a page at a time.
import type { ApiClient } from '../../../main/api/client.ts';
import type { Problem } from '../../../main/api/contract.ts';

const PAGE = 500;

export class ProblemsState {
  rows = $state.raw<Problem[]>([]);
  total = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  hasMore = $derived(this.rows.length < this.total);

  readonly collectionId: number;
  readonly #client: ApiClient;

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.collectionId = collectionId;
  }

  /** Load (again) from the first problem. */
  async load(): Promise<void> {
    await this.#page(0, true);
  }

  async more(): Promise<void> {
    if (this.hasMore && !this.loading) await this.#page(this.rows.length, false);
  }

  async #page(offset: number, replace: boolean) {
    this.loading = true;
    try {
      const { total, rows } = await this.#client.call('collections.problems', { collectionId: this.collectionId, offset, limit: PAGE });
      this.total = total;
      this.rows = replace ? rows : [...this.rows, ...rows];
      this.error = null;
    } catch (error) {
      this.error = `Could not load the problems: ${(error as Error).message}`;
    } finally {
      this.loading = false;
    }
  }
}
