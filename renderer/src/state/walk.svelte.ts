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
/**
 * Answers fetched before the hand gets there (prefetch): during a drag, the most likely next position, once the
 * move before is drawn; after a pause of PAUSE_MS without a move, the first PREFETCH_PAUSED of the positions
 * named ahead (the drag's next steps, then one step either way on every slider), one call at a time.
 */
const PAUSE_MS = 100;
const PREFETCH_PAUSED = 16;
/**
 * A drag's next position is fetched only when the hand moves slower than this (ms between moves): faster, the
 * next move comes before a fetch could be answered, and waiting for it was slower than asking (stress bench).
 */
export const PREFETCH_MIN_INTERVAL_MS = 45;

type Offsets = { direction: string; amount: number }[];
type Answer = { seed: DesignedMolecule; molecule: DesignedMolecule };
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
  readonly #answers = new Map<string, Answer>();
  /** answers being fetched ahead of the hand, by key: a move there waits for the call under way */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- calls in flight, never rendered
  readonly #fetching = new Map<string, Promise<Answer | null>>();
  #pauseTimer: ReturnType<typeof setTimeout> | null = null;
  /** when the last two moves were made (performance.now()) */
  #movedAt = [-Infinity, -Infinity];
  /** the slider moved last and which way (+1 / -1): a drag most likely goes on the same way */
  #lastMove: { direction: string; sign: number } | null = null;

  readonly #prefetch: boolean;

  /** prefetch false: answers only for moves made (the tests of everything else count the calls) */
  constructor(client: ApiClient, o: { prefetch?: boolean } = {}) {
    this.#client = client;
    this.#prefetch = o.prefetch ?? true;
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
    this.#stopPause();
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
    this.#stopPause();
    this.#movedAt = [this.#movedAt[1], performance.now()];
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
    let shown = false;
    try {
      // The seed's drawing once per seed (setSeed forgets it): later moves leave it out of the answer.
      const drawSeed = this.seed?.svg ? false : undefined;
      const cached = this.#answers.get(key);
      const fetching = cached ? undefined : this.#fetching.get(key);
      // answered here: the core still hears where the chemist is, to decode the next new positions ahead
      if (cached || fetching) this.#tellAhead(seed, amounts);
      const result =
        cached ?? (fetching && (await fetching)) ?? (await this.#client.call('latent.walk', { seed, offsets, draw: DRAW, drawSeed, ahead: this.#ahead(seed, amounts) }));
      this.#keep(key, result);
      if (seed !== this.seedSmiles) return;
      // The same seed (answers after the first come without its drawing): keep the shown object, so nothing
      // that shows the seed updates.
      const same = this.seed?.smiles === result.seed.smiles && (result.seed.svg === null || this.seed?.svg === result.seed.svg);
      if (!same) this.seed = result.seed;
      this.current = result.molecule;
      this.shown = move;
      this.error = null;
      this.#remember(result.molecule);
      shown = true;
    } catch (error) {
      if (seed === this.seedSmiles) {
        this.error = (error as Error).message;
        this.shown = move;
      }
    } finally {
      this.busy = false;
    }
    // the next move is most likely one more step along the drag: fetch it now, unless a newer move waits or the
    // hand moves too fast for a fetch to be answered first (then only after a pause)
    if (shown && this.requested === move) this.#fetchAhead(seed, move, this.#dragLimit());
  }

  #keep(key: string, answer: Answer) {
    this.#answers.delete(key);
    this.#answers.set(key, answer);
    if (this.#answers.size > CACHED) this.#answers.delete(this.#answers.keys().next().value!);
  }

  /**
   * Fetches, one call at a time, the first `limit` positions named ahead that this page has no answer for,
   * while the chemist stays at move `move`; then, after a pause, up to PREFETCH_PAUSED of them. A move stops it
   * (the next drawn move starts anew). A failed fetch is forgotten: the move there asks for itself.
   */
  #fetchAhead(seed: string, move: number, limit: number) {
    const still = () => seed === this.seedSmiles && this.requested === move;
    // the drag's next position may start beside a fetch made for an earlier position, never more than that
    if (!this.#prefetch || !still() || this.#fetching.size > (limit === 1 ? 1 : 0) || this.busy) return;
    const at = this.#ahead(seed, { ...this.amounts }, true)
      .slice(0, limit)
      .find((p) => !this.#answers.has(answerKey(seed, p)) && !this.#fetching.has(answerKey(seed, p)));
    if (!at) {
      if (limit < PREFETCH_PAUSED) {
        this.#stopPause(); // one pause timer at a time (a chain and a stale fetch's restart may both get here)
        this.#pauseTimer = setTimeout(() => this.#fetchAhead(seed, move, PREFETCH_PAUSED), PAUSE_MS);
      }
      return;
    }
    const key = answerKey(seed, at);
    const drawSeed = this.seed?.svg ? false : undefined;
    const call = this.#client
      .call('latent.walk', { seed, offsets: at, draw: DRAW, drawSeed, ahead: [], prefetch: true })
      .then((answer) => {
        this.#keep(key, answer);
        return answer;
      }, () => null)
      .finally(() => {
        this.#fetching.delete(key);
        if (still()) this.#fetchAhead(seed, move, limit);
        // the chemist moved on while this was fetched: that move, drawn by now, had to let its fetch wait
        else if (this.seedSmiles && this.shown === this.requested && !this.busy) this.#fetchAhead(this.seedSmiles, this.requested, this.#dragLimit());
      });
    this.#fetching.set(key, call);
  }

  /** positions to fetch at once after a move: the drag's next one, unless the hand moves too fast for it */
  #dragLimit(): number {
    return this.#movedAt[1] - this.#movedAt[0] >= PREFETCH_MIN_INTERVAL_MS ? 1 : 0;
  }

  #stopPause() {
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = null;
  }

  #tellAhead(seed: string, amounts: Record<string, number>) {
    const ahead = this.#ahead(seed, amounts);
    if (ahead.length) this.#client.call('latent.ahead', { seed, ahead, draw: DRAW }).catch(() => {});
  }

  /**
   * Where the chemist is likely to go next, for the core to decode ahead: on along the drag (one and two steps),
   * one step back, then one step either way along every slider (the next slider the hand picks up). Positions
   * this page has answers for are left out (unless `known`).
   */
  #ahead(seed: string, amounts: Record<string, number>, known = false): Offsets[] {
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
      if (seen.has(key) || (!known && this.#answers.has(key))) continue;
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
