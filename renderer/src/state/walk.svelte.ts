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
/** positions named to the core as likely next (it decodes them in the background, in this order) */
const AHEAD = 24;

type Offsets = { direction: string; amount: number }[];
const round3 = (x: number) => Math.round(x * 1000) / 1000;

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
  /** the slider moved last and which way (+1 / -1): a drag most likely goes on the same way */
  #lastMove: { direction: string; sign: number } | null = null;

  constructor(client: ApiClient) {
    this.#client = client;
    this.#update = coalesce(() => this.#walk());
  }

  async loadDirections(): Promise<void> {
    try {
      const { directions } = await this.#client.call('latent.directions', { axes: 4 });
      this.directions = directions;
      this.amounts = Object.fromEntries(directions.map((d) => [d.name, this.amounts[d.name] ?? 0]));
      // a seed walked before the sliders were known named no positions ahead: name them now
      if (this.seedSmiles) this.#tellAhead(this.seedSmiles, { ...this.amounts });
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
    this.#lastMove = null;
    return this.#move();
  }

  setAmount(direction: string, amount: number): Promise<void> {
    const before = this.amounts[direction] ?? 0;
    const now = clampAmount(amount);
    if (now !== before) this.#lastMove = { direction, sign: Math.sign(now - before) };
    this.amounts[direction] = now;
    return this.#move();
  }

  /** One step of the step size along a direction (sign: +1 or -1). */
  step(direction: string, sign: 1 | -1): Promise<void> {
    return this.setAmount(direction, (this.amounts[direction] ?? 0) + sign * this.stepSize);
  }

  snapBack(): Promise<void> {
    for (const name of Object.keys(this.amounts)) this.amounts[name] = 0;
    this.#lastMove = null;
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
    const amounts = { ...this.amounts };
    const offsets = offsetsOf(amounts);
    const key = answerKey(seed, offsets);
    this.busy = true;
    try {
      // The seed's drawing once per seed (setSeed forgets it): later moves leave it out of the answer.
      const drawSeed = this.seed?.svg ? false : undefined;
      const cached = this.#answers.get(key);
      // answered here: the core still hears where the chemist is, to decode the next new positions ahead
      if (cached) this.#tellAhead(seed, amounts);
      const result = cached ?? (await this.#client.call('latent.walk', { seed, offsets, draw: DRAW, drawSeed, ahead: this.#ahead(seed, amounts) }));
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

  #tellAhead(seed: string, amounts: Record<string, number>) {
    const ahead = this.#ahead(seed, amounts);
    if (ahead.length) this.#client.call('latent.ahead', { seed, ahead, draw: DRAW }).catch(() => {});
  }

  /**
   * Where the chemist is likely to go next, for the core to decode ahead: on along the drag (one and two steps),
   * one step back, then one step either way along every slider (the next slider the hand picks up). Positions
   * this page has answers for are left out.
   */
  #ahead(seed: string, amounts: Record<string, number>): Offsets[] {
    const step = this.stepSize;
    const moves: [string, number][] = [];
    const last = this.#lastMove;
    if (last) moves.push([last.direction, last.sign * step], [last.direction, 2 * last.sign * step], [last.direction, -last.sign * step]);
    for (const d of this.directions) moves.push([d.name, step], [d.name, -step]);
    const out: Offsets[] = [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, never rendered
    const seen = new Set<string>([answerKey(seed, offsetsOf(amounts))]);
    for (const [direction, by] of moves) {
      const at = offsetsOf({ ...amounts, [direction]: clampAmount((amounts[direction] ?? 0) + by) });
      const key = answerKey(seed, at);
      if (seen.has(key) || this.#answers.has(key)) continue;
      seen.add(key);
      out.push(at);
      if (out.length === AHEAD) break;
    }
    return out;
  }

  #remember(m: DesignedMolecule) {
    const key = m.smiles ?? m.raw;
    if (!this.history.some((h) => (h.smiles ?? h.raw) === key)) this.history = [...this.history, m];
  }
}

const clampAmount = (x: number) => Math.max(-RANGE, Math.min(RANGE, round3(x)));

/** The walk call's offsets: the sliders not at zero, in the directions' order (the core sums them in that order). */
function offsetsOf(amounts: Record<string, number>): Offsets {
  return Object.entries(amounts)
    .filter(([, amount]) => amount !== 0)
    .map(([direction, amount]) => ({ direction, amount }));
}

/** A cached answer's key: the seed and the positions, whatever their order. */
function answerKey(seed: string, offsets: Offsets): string {
  return `${seed}\n${JSON.stringify([...offsets].sort((a, b) => a.direction.localeCompare(b.direction)))}`;
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
