// Structure drawings for the rows in view. Requests are gathered until the view has been still for QUIET ms
// (or MAX_WAIT ms have passed) and sent as one 'chem.depict' call per BATCH SMILES: while the chemist flings
// through 250,000 rows, rows that only fly past are never drawn, so the core's time goes to the rows'
// data and to the molecules the eye can stop on. Answers are cached (oldest dropped past MAX entries), and each
// SVG becomes a data: URL shown through <img>: an SVG inside an image cannot run script or reach the page.
import { SvelteMap } from 'svelte/reactivity';
import type { ApiClient } from '../../../main/api/client.ts';

const BATCH = 100;
const MAX = 1500;
const QUIET = 60;
const MAX_WAIT = 300;

/** undefined: not asked yet or on its way; null: RDKit could not draw it; string: an image URL. */
export type Depiction = string | null | undefined;

export class DepictionCache {
  readonly width: number;
  readonly height: number;
  readonly #client: ApiClient;
  readonly #images = new SvelteMap<string, string | null>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only; the UI reads #images
  readonly #queued = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only; the UI reads #images
  readonly #inFlight = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #firstAsked: number | null = null;

  constructor(client: ApiClient, width = 150, height = 100) {
    this.#client = client;
    this.width = width;
    this.height = height;
  }

  get(smiles: string): Depiction {
    return this.#images.get(smiles);
  }

  /** Ask for drawings (added to what is already asked); they arrive together shortly after. */
  request(smiles: Iterable<string>) {
    for (const s of smiles) {
      if (s && !this.#images.has(s) && !this.#inFlight.has(s)) this.#queued.add(s);
    }
    this.#schedule();
  }

  /** These are in view now: what was asked for and has scrolled away since is not drawn. */
  show(smiles: Iterable<string>) {
    this.#queued.clear();
    this.request(smiles);
  }

  get size(): number {
    return this.#images.size;
  }

  #schedule() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#queued.size === 0) {
      this.#firstAsked = null;
      return;
    }
    this.#firstAsked ??= Date.now();
    const wait = Math.max(0, Math.min(QUIET, this.#firstAsked + MAX_WAIT - Date.now()));
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush() {
    this.#timer = null;
    this.#firstAsked = null;
    const all = [...this.#queued];
    this.#queued.clear();
    for (let i = 0; i < all.length; i += BATCH) void this.#draw(all.slice(i, i + BATCH));
  }

  async #draw(batch: string[]) {
    for (const s of batch) this.#inFlight.add(s);
    try {
      const { svgs } = await this.#client.call('chem.depict', { smiles: batch, width: this.width, height: this.height });
      batch.forEach((s, i) => this.#images.set(s, svgs[i] ? svgDataUrl(svgs[i]) : null));
      this.#evict();
    } catch (error) {
      console.warn('Molscape: could not draw structures', error);
    } finally {
      for (const s of batch) this.#inFlight.delete(s);
    }
  }

  #evict() {
    // Map order is insertion order: the oldest drawings go first.
    const excess = this.#images.size - MAX;
    if (excess <= 0) return;
    let i = 0;
    for (const key of this.#images.keys()) {
      if (i++ >= excess) break;
      this.#images.delete(key);
    }
  }
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
