// Keeping molecules in candidate lists (collections of kind 'candidates'): one designed molecule with the
// provenance it carries, or a set picked on the map (provenance 'manual': where they came from). The rating
// and note go along; the core computes the properties and stores the provenance as the list's user columns.
import type { ApiClient } from '../../../main/api/client.ts';
import type { Collection, DesignedMolecule, Provenance } from '../../../main/api/contract.ts';

export interface KeepTarget {
  /** an existing list, or a name to find or create one by */
  listId?: number;
  listName?: string;
}

export interface KeepChoice extends KeepTarget {
  rating: number;
  note: string;
}

export class CandidateKeeper {
  /** how many of a batch are kept so far, and of how many */
  progress = $state<{ done: number; total: number } | null>(null);
  error = $state<string | null>(null);
  lastList = $state.raw<Collection | null>(null);

  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  async keep(molecule: DesignedMolecule, choice: KeepChoice): Promise<boolean> {
    if (!molecule.smiles) {
      this.error = 'An invalid decode cannot be kept.';
      return false;
    }
    return this.#keepAll([{ smiles: molecule.smiles, provenance: molecule.provenance }], choice);
  }

  /** Molecules picked on the map: provenance says which collection and how they were picked. */
  async keepPicked(molecules: { smiles: string; name: string | null }[], source: string, choice: KeepChoice): Promise<boolean> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never rendered
    const createdAt = new Date().toISOString();
    const provenance: Provenance = { operation: 'manual', seed: null, params: { source, picked: molecules.length === 1 ? 'latent map' : 'latent map box' }, model: null, modelSha256: null, randomSeed: null, createdAt };
    return this.#keepAll(molecules.map((m) => ({ smiles: m.smiles, name: m.name ?? undefined, provenance })), choice);
  }

  /** Molecules that carry their own provenance (prior samples: which draw, with which settings). */
  async keepWith(items: { smiles: string; name?: string; provenance: Provenance }[], choice: KeepChoice): Promise<boolean> {
    if (items.length === 0) {
      this.error = 'There is nothing valid to keep.';
      return false;
    }
    return this.#keepAll(items, choice);
  }

  async #keepAll(items: { smiles: string; name?: string; provenance: Provenance }[], choice: KeepChoice): Promise<boolean> {
    let target: KeepTarget = choice.listId ? { listId: choice.listId } : { listName: choice.listName?.trim() || 'Candidates' };
    this.error = null;
    this.progress = { done: 0, total: items.length };
    try {
      for (const item of items) {
        const { list } = await this.#client.call('candidates.keep', { ...target, ...item, rating: choice.rating, note: choice.note });
        // The first keep found or made the list: the rest go to it by id.
        target = { listId: list.id };
        this.lastList = list;
        this.progress = { done: this.progress.done + 1, total: items.length };
      }
      return true;
    } catch (error) {
      this.error = `Could not keep ${items.length === 1 ? 'the molecule' : 'the molecules'}: ${(error as Error).message}`;
      return false;
    } finally {
      this.progress = null;
    }
  }
}
