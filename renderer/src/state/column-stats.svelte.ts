// Statistics and histograms of a collection's numeric columns, for the filter panel: the whole collection's
// (read when the panel opens and once every property is in) and those of the molecules passing the filter
// (read again as the filter settles; the last request wins, an answer to an older filter is dropped).
import type { ApiClient } from '../../../main/api/client.ts';
import type { ColumnStat, MoleculeFilter } from '../../../main/api/contract.ts';

export class ColumnStatsState {
  /** key -> the whole collection's statistics */
  all = $state.raw<Record<string, ColumnStat>>({});
  /** key -> statistics of the molecules passing the filter; empty when no filter narrows the collection */
  passing = $state.raw<Record<string, ColumnStat>>({});
  error = $state<string | null>(null);

  readonly #client: ApiClient;
  readonly #collectionId: number;
  #keys: string[] = [];
  #request = 0;

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.#collectionId = collectionId;
  }

  async load(keys: string[]): Promise<void> {
    this.#keys = keys;
    if (!keys.length) return;
    try {
      const { stats } = await this.#client.call('collections.columnStats', { collectionId: this.#collectionId, keys, bins: 30 });
      this.all = Object.fromEntries(stats.map((s) => [s.key, s]));
      this.error = null;
    } catch (error) {
      this.error = `Could not read the column statistics: ${(error as Error).message}`;
    }
  }

  /** The passing molecules' histograms, on the same bins as the whole collection's. */
  async follow(filter: MoleculeFilter | undefined): Promise<void> {
    const request = ++this.#request;
    if (!filter || !this.#keys.length) {
      this.passing = {};
      return;
    }
    try {
      // binned on the collection's own ranges, so the passing bars stand on the collection's
      const binRanges = Object.fromEntries(Object.values(this.all).flatMap((s) => (s.min !== null && s.max !== null ? [[s.key, [s.min, s.max] as [number, number]]] : [])));
      const { stats } = await this.#client.call('collections.columnStats', { collectionId: this.#collectionId, keys: this.#keys, bins: 30, filter, binRanges });
      if (request !== this.#request) return;
      this.passing = Object.fromEntries(stats.map((s) => [s.key, s]));
    } catch {
      // the count above the sliders says what went wrong with a filter; the overlay simply stays off
      if (request === this.#request) this.passing = {};
    }
  }
}

/** The passing molecules' counts on the collection's bins (asked with binRanges), or null without a filter. */
export function passingCounts(on: ColumnStat, passing: ColumnStat | undefined): number[] | null {
  if (!passing || passing.counts.length !== on.counts.length) return null;
  return passing.counts;
}
