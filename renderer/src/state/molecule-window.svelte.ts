// The rows of one collection, fetched in pages of PAGE rows as the table scrolls, so a 250,000-row collection
// costs only the pages near the viewport. Pages far from the viewport are dropped (MAX_PAGES kept). When the
// core says the collection changed (properties filling in), the pages in view are fetched again in place.
// A filter (set by the filter panel) narrows the rows; total then counts the molecules that pass.
import type { ApiClient } from '../../../main/api/client.ts';
import type { MoleculeFilter, MoleculeRow } from '../../../main/api/contract.ts';
import { coalesce } from '../lib/coalesce.ts';

export const PAGE = 100;
const MAX_PAGES = 40;
const LOOKAHEAD = PAGE / 2;

export interface Sort {
  key: string;
  descending: boolean;
}

export class MoleculeWindow {
  total = $state(0);
  sort = $state<Sort>({ key: 'position', descending: false });
  /** The filter the rows pass; undefined shows the whole collection. */
  filter = $state.raw<MoleculeFilter | undefined>(undefined);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Bumped whenever a page lands, so rows read through row() re-render. */
  version = $state(0);

  readonly collectionId: number;
  readonly #client: ApiClient;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- the UI re-renders through `version`, one signal for a whole page
  #pages = new Map<number, MoleculeRow[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- the UI re-renders through `version`, one signal for a whole page
  #pending = new Set<number>();
  /** Changes with the sort: answers for an older sort are dropped. */
  #generation = 0;
  #visible = { start: 0, end: 0 };
  readonly #refreshVisible: () => Promise<void>;

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.collectionId = collectionId;
    this.#refreshVisible = coalesce(async () => {
      const pages = this.#pagesFor(this.#visible.start, this.#visible.end);
      if (pages.length === 0) pages.push(0);
      await Promise.all(pages.map((p) => this.#fetch(p, true)));
    });
  }

  /** The row at a display index, or undefined while its page is on its way. */
  row(index: number): MoleculeRow | undefined {
    void this.version;
    return this.#pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  /**
   * The table calls this with the rows it shows (overscan included); missing pages are fetched, and so is a
   * page coming up within LOOKAHEAD rows in either direction, so fast scrolling rarely meets an empty row.
   */
  ensure(start: number, end: number) {
    this.#visible = { start, end };
    for (const page of this.#pagesFor(start, end)) void this.#fetch(page, false);
    for (const page of this.#pagesFor(start - LOOKAHEAD, end + LOOKAHEAD)) void this.#fetch(page, false);
  }

  /**
   * The ids of display rows a..b inclusive, in the table's order: from the pages held when they cover the range,
   * else from the core (a shift-click's range may span rows never scrolled into view).
   */
  async idsBetween(a: number, b: number): Promise<number[]> {
    const held: number[] = [];
    for (let i = a; i <= b; i++) {
      const row = this.row(i);
      if (!row) break;
      held.push(row.id);
    }
    if (held.length === b - a + 1) return held;
    return (await this.#client.call('collections.ids', { collectionId: this.collectionId, offset: a, limit: b - a + 1, ...this.#order() })).ids;
  }

  /** Every id that passes the filter, in the table's order (select all: the whole filter, not the pages held). */
  async allIds(): Promise<number[]> {
    return (await this.#client.call('collections.ids', { collectionId: this.collectionId, ...this.#order() })).ids;
  }

  #order() {
    return { sort: this.sort.key === 'position' && !this.sort.descending ? undefined : { ...this.sort }, filter: this.filter };
  }

  /** First page and total; call once when the collection opens. */
  load(): Promise<void> {
    return this.#fetch(0, false);
  }

  /** The collection changed on the core's side: fetch what is in view again, keeping what is shown meanwhile. */
  refresh(): Promise<void> {
    return this.#refreshVisible();
  }

  watch(): () => void {
    // A null id means collections came or went (a cancelled import's collection deleted, say): the list
    // decides whether this one still exists, and this view is closed if not, so no fetch here.
    return this.#client.on('collections.changed', ({ collectionId }) => {
      if (collectionId === this.collectionId) void this.refresh();
    });
  }

  /** Sort by a column; a second click on the same column reverses it. */
  sortBy(key: string) {
    const descending = this.sort.key === key ? !this.sort.descending : false;
    this.sort = { key, descending };
    this.#restart();
  }

  /** Show only the molecules that pass (undefined: all of them), from the top. */
  setFilter(filter: MoleculeFilter | undefined) {
    this.filter = filter;
    this.#restart();
  }

  /** The order or the filter changed: every page held is stale, and answers still on their way are dropped. */
  #restart() {
    this.#generation++;
    this.#pages.clear();
    this.#pending.clear();
    this.version++;
    void this.#fetch(0, false);
    for (const page of this.#pagesFor(this.#visible.start, this.#visible.end)) void this.#fetch(page, false);
  }

  #pagesFor(start: number, end: number): number[] {
    const last = Math.min(end, this.total - 1);
    const pages: number[] = [];
    for (let p = Math.floor(Math.max(0, start) / PAGE); p * PAGE <= last; p++) pages.push(p);
    return pages;
  }

  async #fetch(page: number, force: boolean): Promise<void> {
    if (this.#pending.has(page) || (!force && this.#pages.has(page))) return;
    this.#pending.add(page);
    const generation = this.#generation;
    try {
      const { total, rows } = await this.#client.call('collections.molecules', {
        collectionId: this.collectionId,
        offset: page * PAGE,
        limit: PAGE,
        ...this.#order(),
      });
      if (generation !== this.#generation) return;
      this.#pages.set(page, rows);
      this.#evictFarFrom(page);
      this.total = total;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = `Could not load molecules: ${(error as Error).message}`;
    } finally {
      if (generation === this.#generation) this.#pending.delete(page);
      this.loaded = true;
      this.version++;
    }
  }

  #evictFarFrom(page: number) {
    if (this.#pages.size <= MAX_PAGES) return;
    const byDistance = [...this.#pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
    for (const p of byDistance.slice(0, this.#pages.size - MAX_PAGES)) this.#pages.delete(p);
  }
}
