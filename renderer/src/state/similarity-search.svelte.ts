// Similarity search over one collection: a query SMILES (typed, drawn as it is typed, or taken from the selected
// molecule), a Tanimoto threshold and a top-k. chem.search ranks by Tanimoto on Morgan fingerprints (radius 2,
// 2048 bits) and answers the best k; the threshold keeps those at or above it, which is the same as the best k
// among the molecules above it. Results sort by similarity, name or any property. The last search wins.
import type { ApiClient } from '../../../main/api/client.ts';
import type { SearchHit } from '../../../main/api/contract.ts';

export type HitSortKey = 'similarity' | 'name' | string;

export class SimilaritySearch {
  query = $state('');
  threshold = $state(0.4);
  top = $state(50);
  /** the hits at or above the threshold, best first as answered */
  hits = $state.raw<SearchHit[]>([]);
  /** the query the hits answer (null before the first search) */
  searched = $state<string | null>(null);
  /** hits the core ranked before the threshold was applied */
  ranked = $state(0);
  running = $state(false);
  error = $state<string | null>(null);
  sortKey = $state<HitSortKey>('similarity');
  descending = $state(true);

  readonly collectionId: number;
  readonly #client: ApiClient;
  #request = 0;

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.collectionId = collectionId;
  }

  /** The hits in the chosen order (missing values last). */
  get sorted(): SearchHit[] {
    const key = this.sortKey;
    const sign = this.descending ? -1 : 1;
    const value = (h: SearchHit): number | string | null => {
      if (key === 'similarity') return h.similarity;
      if (key === 'name') return h.name ?? '';
      const v = key.startsWith('user:') ? h.userProps[key.slice(5)] : h.props[key];
      return typeof v === 'number' ? v : typeof v === 'string' ? v : null;
    };
    return [...this.hits].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      if (typeof va === 'string' || typeof vb === 'string') return sign * String(va).localeCompare(String(vb));
      return sign * (va - vb) || a.position - b.position;
    });
  }

  sortBy(key: HitSortKey) {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'similarity' || key === 'qed';
    }
  }

  /** Take the query from a molecule of the collection (the selected one). */
  async useMolecule(id: number): Promise<void> {
    try {
      const { rows } = await this.#client.call('collections.moleculesByIds', { ids: [id] });
      if (rows[0]) this.query = rows[0].canonicalSmiles;
    } catch (error) {
      this.error = `Could not read the selected molecule: ${(error as Error).message}`;
    }
  }

  async run(): Promise<void> {
    const query = this.query.trim();
    if (!query) return;
    const request = ++this.#request;
    this.running = true;
    try {
      const { rows } = await this.#client.call('chem.search', { collectionId: this.collectionId, similar: query, top: this.top });
      if (request !== this.#request) return;
      this.ranked = rows.length;
      this.hits = rows.filter((r) => (r.similarity ?? 0) >= this.threshold);
      this.searched = query;
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = (error as Error).message;
    } finally {
      if (request === this.#request) this.running = false;
    }
  }
}
