// Samples around a seed: n latent points within a radius (greedy decoding, or sampling at a temperature),
// the unique valid molecules as a grid sortable by similarity or any property, and the counts.
import type { ApiClient } from '../../../main/api/client.ts';
import type { CallResult, DesignedMolecule, SeedHold } from '../../../main/api/contract.ts';

export const GRID_DRAW = { width: 180, height: 140 };

export type NeighbourCounts = CallResult<'latent.neighbours'>['counts'];

export class NeighboursState {
  seed = $state('');
  n = $state(100);
  radius = $state(0.5);
  /** null: greedy decoding */
  temperature = $state<number | null>(null);
  randomSeed = $state(0);
  molecules = $state.raw<DesignedMolecule[]>([]);
  counts = $state.raw<NeighbourCounts | null>(null);
  /** 'similarity' or a property name */
  sortKey = $state('similarity');
  descending = $state(true);
  error = $state<string | null>(null);
  busy = $state(false);
  /** whether the model holds the seed exactly (the neighbourhood is around that point), from the last answer */
  hold = $state.raw<SeedHold | null>(null);

  sorted = $derived(sortMolecules(this.molecules, this.sortKey, this.descending));
  /** numeric properties the molecules carry, for the sort menu */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- made fresh from the molecules
  sortKeys = $derived([...new Set(this.molecules.flatMap((m) => Object.entries(m.props).filter(([, v]) => typeof v === 'number').map(([k]) => k)))]);

  readonly #client: ApiClient;
  #request = 0;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  async run(): Promise<void> {
    const seed = this.seed.trim();
    if (!seed) return;
    const request = ++this.#request;
    this.busy = true;
    this.error = null;
    try {
      const result = await this.#client.call('latent.neighbours', {
        seed,
        n: Math.round(this.n),
        radius: this.radius,
        temperature: this.temperature ?? undefined,
        randomSeed: Math.round(this.randomSeed),
        draw: GRID_DRAW,
      });
      if (request !== this.#request) return;
      this.molecules = result.molecules;
      this.counts = result.counts;
      this.hold = result.seed.hold ?? null;
    } catch (error) {
      if (request === this.#request) {
        this.error = (error as Error).message;
        this.molecules = [];
        this.counts = null;
        this.hold = null;
      }
    } finally {
      if (request === this.#request) this.busy = false;
    }
  }

  sortBy(key: string) {
    if (key === this.sortKey) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'similarity' || key === 'qed';
    }
  }
}

/** Molecules in order of a key; those without a value last, whichever the direction. */
export function sortMolecules(molecules: DesignedMolecule[], key: string, descending: boolean): DesignedMolecule[] {
  const value = (m: DesignedMolecule) => {
    const v = key === 'similarity' ? m.similarity : m.props[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return [...molecules].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return descending ? vb - va : va - vb;
  });
}
