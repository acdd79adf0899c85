// The filter panel's state for one collection: a range per numeric property (bounds from propertyStats), a
// substructure query read as SMARTS (the default) or SMILES, and the live count of molecules that pass. Changes
// are debounced and the last one wins; each settled filter is counted by the core first (collections.count,
// which answers a query RDKit cannot read with its reason instead of a 400, so typing logs nothing in the
// console), and only a filter that worked is handed to the table. While a count is on its way the old one is
// marked as counting, and a query that does not parse has no count at all: never a stale number.
import type { ApiClient } from '../../../main/api/client.ts';
import type { Collection, MoleculeFilter, PropertyStat, SubstructureMode } from '../../../main/api/contract.ts';

export interface Bounds {
  low: number;
  high: number;
}

export class FilterState {
  stats = $state.raw<PropertyStat[]>([]);
  /** Only the ranges narrowed from the data's own min..max. */
  ranges = $state.raw<Record<string, Bounds>>({});
  substructure = $state('');
  /** how the substructure box is read: SMARTS (atoms as written) unless the chemist chooses SMILES */
  mode = $state<SubstructureMode>('smarts');
  /** Molecules passing the last filter checked; null before the first answer. */
  count = $state<number | null>(null);
  checking = $state(false);
  /** Why the substructure box's query was refused (it does not parse, say). */
  queryError = $state<string | null>(null);
  /** Anything else that went wrong (lost connection, ...). */
  error = $state<string | null>(null);
  /** The last filter that worked and went to the table (plots and histograms follow it). */
  applied = $state.raw<MoleculeFilter | undefined>(undefined);

  readonly collectionId: number;
  readonly #client: ApiClient;
  readonly #apply: (filter: MoleculeFilter | undefined) => void;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;

  constructor(client: ApiClient, collectionId: number, apply: (filter: MoleculeFilter | undefined) => void, delayMs = 250) {
    this.#client = client;
    this.collectionId = collectionId;
    this.#apply = apply;
    this.#delayMs = delayMs;
  }

  /** The filter as the contract has it, or undefined when nothing narrows the collection. */
  get filter(): MoleculeFilter | undefined {
    const ranges = Object.entries(this.ranges).map(([key, { low, high }]) => {
      const stat = this.stats.find((s) => s.key === key);
      // An end left at the data's own bound stays open, so rounding on the slider never drops the extreme molecule.
      return { key, min: stat && low <= stat.min ? undefined : low, max: stat && high >= stat.max ? undefined : high };
    });
    const substructure = this.substructure.trim();
    if (ranges.length === 0 && !substructure) return undefined;
    return substructure ? { ranges, substructure, mode: this.mode } : { ranges };
  }

  get active(): boolean {
    return this.filter !== undefined;
  }

  /** The bounds for the sliders; call on open and when the properties have filled in. */
  async loadStats(): Promise<void> {
    try {
      const { stats } = await this.#client.call('collections.propertyStats', { collectionId: this.collectionId });
      this.stats = stats;
    } catch (error) {
      this.error = `Could not read the property ranges: ${(error as Error).message}`;
    }
  }

  stat(key: string): PropertyStat | undefined {
    return this.stats.find((s) => s.key === key);
  }

  /** The slider's current selection: the narrowed range, or the whole span of the data. */
  bounds(key: string): Bounds | undefined {
    const stat = this.stat(key);
    return this.ranges[key] ?? (stat ? { low: stat.min, high: stat.max } : undefined);
  }

  setRange(key: string, low: number, high: number) {
    const stat = this.stat(key);
    const next = { ...this.ranges };
    if (stat && low <= stat.min && high >= stat.max) delete next[key];
    else next[key] = { low: Math.min(low, high), high: Math.max(low, high) };
    this.ranges = next;
    this.#schedule();
  }

  clearRange(key: string) {
    const next = { ...this.ranges };
    delete next[key];
    this.ranges = next;
    this.#schedule();
  }

  setSubstructure(text: string) {
    this.substructure = text;
    this.#schedule();
  }

  setMode(mode: SubstructureMode) {
    if (mode === this.mode) return;
    this.mode = mode;
    if (this.substructure.trim()) this.#schedule();
  }

  /** The client this filter counts with (the panels beside it ask the same core). */
  get client(): ApiClient {
    return this.#client;
  }

  clear() {
    this.ranges = {};
    this.substructure = '';
    this.#schedule();
  }

  /** Check the current filter now (tests, and Enter in the substructure box). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    return this.#check();
  }

  /** The molecules that pass as a new collection (kind 'filtered'). */
  async saveAsCollection(name: string): Promise<Collection> {
    const filter = this.filter ?? { ranges: [] };
    return this.#client.call('collections.createFromFilter', { collectionId: this.collectionId, filter, name });
  }

  dispose() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#generation++;
  }

  #schedule() {
    if (this.#timer) clearTimeout(this.#timer);
    this.checking = true;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#check();
    }, this.#delayMs);
  }

  async #check(): Promise<void> {
    const generation = ++this.#generation;
    const filter = this.filter;
    this.checking = true;
    try {
      if (!filter) {
        this.count = null;
        this.queryError = null;
        this.error = null;
        this.applied = undefined;
        this.#apply(undefined);
        return;
      }
      const { count, queryError } = await this.#client.call('collections.count', { collectionId: this.collectionId, filter });
      if (generation !== this.#generation) return;
      this.error = null;
      this.queryError = queryError;
      // a query that does not parse has no count: the last one would be a stale number for another query
      this.count = count;
      if (queryError === null) {
        this.applied = filter;
        this.#apply(filter);
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this.count = null;
      this.error = `Could not filter: ${(error as Error).message}`;
    } finally {
      if (generation === this.#generation) this.checking = false;
    }
  }
}
