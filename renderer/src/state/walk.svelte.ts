// The latent walk: a seed, one slider per direction (principal axes, property gradients), and the molecule at
// seed + Σ amount·direction, decoded on every move. At most one walk call is in flight; moves made meanwhile
// fold into one follow-up call with the latest positions (coalesce), so the drawing keeps up with the hand
// instead of replaying every intermediate position. `requested` / `shown` number the moves and the move
// whose answer is drawn (the slider benchmark waits on them).
import type { ApiClient } from '../../../main/api/client.ts';
import type { DesignedMolecule, LatentDirection } from '../../../main/api/contract.ts';
import { coalesce } from '../lib/coalesce.ts';
import { svgDataUrl } from './depictions.svelte.ts';

export const DRAW = { width: 340, height: 250 };
export const STEP_SIZES = [0.1, 0.25, 0.5, 1] as const;
/** slider range, in units of each direction (the training set's standard deviation along it) */
export const RANGE = 4;
/** walk answers kept (each about 40 kB with its drawings) */
const CACHED = 300;

export class WalkState {
  directions = $state.raw<LatentDirection[]>([]);
  seedSmiles = $state<string | null>(null);
  /** the seed as the model sees it (its own decode, properties, drawing) */
  seed = $state.raw<DesignedMolecule | null>(null);
  current = $state.raw<DesignedMolecule | null>(null);
  amounts = $state<Record<string, number>>({});
  stepSize = $state<number>(0.25);
  /** every distinct molecule visited since the seed was set, in order */
  history = $state.raw<DesignedMolecule[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  requested = $state(0);
  shown = $state(0);

  atSeed = $derived(Object.values(this.amounts).every((a) => a === 0));

  readonly #client: ApiClient;
  readonly #update: () => Promise<void>;
  /** answers by seed and slider positions: dragging back over a position shows it again without a call
   * (the decode is the same for the same random seed) */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  readonly #answers = new Map<string, { seed: DesignedMolecule; molecule: DesignedMolecule }>();

  constructor(client: ApiClient) {
    this.#client = client;
    this.#update = coalesce(() => this.#walk());
  }

  async loadDirections(): Promise<void> {
    try {
      const { directions } = await this.#client.call('latent.directions', { axes: 4 });
      this.directions = directions;
      this.amounts = Object.fromEntries(directions.map((d) => [d.name, this.amounts[d.name] ?? 0]));
    } catch (error) {
      this.error = `Could not read the walk directions: ${(error as Error).message}`;
    }
  }

  /** A new seed: sliders back to zero, a fresh history. */
  setSeed(smiles: string): Promise<void> {
    const s = smiles.trim();
    if (!s) return Promise.resolve();
    this.seedSmiles = s;
    this.seed = null;
    this.current = null;
    this.history = [];
    this.error = null;
    for (const name of Object.keys(this.amounts)) this.amounts[name] = 0;
    return this.#move();
  }

  setAmount(direction: string, amount: number): Promise<void> {
    this.amounts[direction] = Math.max(-RANGE, Math.min(RANGE, Math.round(amount * 1000) / 1000));
    return this.#move();
  }

  /** One step of the step size along a direction (sign: +1 or -1). */
  step(direction: string, sign: 1 | -1): Promise<void> {
    return this.setAmount(direction, (this.amounts[direction] ?? 0) + sign * this.stepSize);
  }

  snapBack(): Promise<void> {
    for (const name of Object.keys(this.amounts)) this.amounts[name] = 0;
    return this.#move();
  }

  #move(): Promise<void> {
    if (!this.seedSmiles) return Promise.resolve();
    this.requested++;
    return this.#update();
  }

  async #walk() {
    const seed = this.seedSmiles;
    if (!seed) return;
    const move = this.requested;
    const offsets = Object.entries(this.amounts)
      .filter(([, amount]) => amount !== 0)
      .map(([direction, amount]) => ({ direction, amount }));
    const key = `${seed}\n${JSON.stringify([...offsets].sort((a, b) => a.direction.localeCompare(b.direction)))}`;
    this.busy = true;
    try {
      // The seed's drawing once per seed (setSeed forgets it): later moves leave it out of the answer.
      const drawSeed = this.seed?.svg ? false : undefined;
      const result = this.#answers.get(key) ?? (await this.#client.call('latent.walk', { seed, offsets, draw: DRAW, drawSeed }));
      this.#answers.delete(key);
      this.#answers.set(key, result);
      if (this.#answers.size > CACHED) this.#answers.delete(this.#answers.keys().next().value!);
      if (seed !== this.seedSmiles) return;
      // The same seed (answers after the first come without its drawing): keep the shown object, so nothing
      // that shows the seed updates.
      const same = this.seed?.smiles === result.seed.smiles && (result.seed.svg === null || this.seed?.svg === result.seed.svg);
      if (!same) this.seed = result.seed;
      this.current = result.molecule;
      this.shown = move;
      this.error = null;
      this.#remember(result.molecule);
    } catch (error) {
      if (seed === this.seedSmiles) {
        this.error = (error as Error).message;
        this.shown = move;
      }
    } finally {
      this.busy = false;
    }
  }

  #remember(m: DesignedMolecule) {
    const key = m.smiles ?? m.raw;
    if (!this.history.some((h) => (h.smiles ?? h.raw) === key)) this.history = [...this.history, m];
  }
}

// A molecule's drawing as an image URL, made once per molecule object: the walk's cached answers and its
// history strip show the same objects again and again, and each URL is a 20–40 kB string to encode.
const images = new WeakMap<DesignedMolecule, string | null>();
export function moleculeImage(m: DesignedMolecule): string | null {
  let url = images.get(m);
  if (url === undefined) images.set(m, (url = m.svg ? svgDataUrl(m.svg) : null));
  return url;
}

/** Numeric property differences, molecule minus seed. */
export function deltas(molecule: DesignedMolecule, seed: DesignedMolecule | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!seed) return out;
  for (const [key, value] of Object.entries(molecule.props)) {
    const base = seed.props[key];
    if (typeof value === 'number' && typeof base === 'number') out[key] = value - base;
  }
  return out;
}
