// A shortlist's settings and run: N diverse molecules (MaxMin on Morgan fingerprints, seeded, optionally leaning
// toward a property) picked from the whole collection, the molecules the filter lets through, or the selection,
// kept as a new candidate list (candidates.shortlist). Mistakes are named before anything is sent.
import type { ApiClient } from '../../../main/api/client.ts';
import type { Collection, MoleculeFilter } from '../../../main/api/contract.ts';

export type ShortlistSource = 'collection' | 'filter' | 'selection';

export interface ShortlistDone {
  list: Collection;
  picked: number;
  pool: number;
  meanTanimoto: number;
}

export class ShortlistSetup {
  source = $state<ShortlistSource>('collection');
  count = $state(20);
  randomSeed = $state(0);
  /** '' for none */
  weightKey = $state('');
  weightDirection = $state<'max' | 'min'>('max');
  listName = $state('');
  running = $state(false);
  error = $state<string | null>(null);
  done = $state.raw<ShortlistDone | null>(null);

  readonly collectionId: number;
  readonly #client: ApiClient;

  constructor(client: ApiClient, collectionId: number, listName: string) {
    this.#client = client;
    this.collectionId = collectionId;
    this.listName = listName;
  }

  /** What is wrong with the settings, or null. */
  problem(filter: MoleculeFilter | undefined, selected: readonly number[]): string | null {
    if (!Number.isInteger(this.count) || this.count < 1 || this.count > 5000) return 'Pick between 1 and 5,000 molecules.';
    if (!Number.isInteger(this.randomSeed) || this.randomSeed < 0) return 'The random seed is a whole number, 0 or more.';
    if (!this.listName.trim()) return 'Name the candidate list.';
    if (this.source === 'filter' && !filter) return 'No filter narrows the collection: open the filter first, or pick from the whole collection.';
    if (this.source === 'selection' && selected.length === 0) return 'Nothing is selected: select molecules in the table or on the plot first.';
    return null;
  }

  async run(filter: MoleculeFilter | undefined, selected: readonly number[]): Promise<ShortlistDone | null> {
    const problem = this.problem(filter, selected);
    if (problem) {
      this.error = problem;
      return null;
    }
    this.running = true;
    this.error = null;
    try {
      const done = await this.#client.call('candidates.shortlist', {
        collectionId: this.collectionId,
        count: this.count,
        randomSeed: this.randomSeed,
        listName: this.listName.trim(),
        ...(this.source === 'filter' ? { filter } : {}),
        ...(this.source === 'selection' ? { ids: [...selected] } : {}),
        ...(this.weightKey ? { weightBy: { key: this.weightKey, direction: this.weightDirection } } : {}),
      });
      this.done = done;
      return done;
    } catch (error) {
      this.error = `Could not pick the shortlist: ${(error as Error).message}`;
      return null;
    } finally {
      this.running = false;
    }
  }
}
