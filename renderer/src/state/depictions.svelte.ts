// Structure drawings for the rows in view. Requests made in the same moment are batched into one
// 'chem.depict' call (up to BATCH SMILES), answers are cached (LRU, up to MAX entries), and each SVG becomes a
// data: URL shown through <img>: an SVG inside an image cannot run script or reach the page, whatever it holds.
import { SvelteMap } from 'svelte/reactivity';
import type { ApiClient } from '../../../main/api/client.ts';

const BATCH = 100;
const MAX = 3000;

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

  constructor(client: ApiClient, width = 150, height = 100) {
    this.#client = client;
    this.width = width;
    this.height = height;
  }

  get(smiles: string): Depiction {
    return this.#images.get(smiles);
  }

  /** Ask for drawings; they arrive together shortly after (one call per batch). */
  request(smiles: Iterable<string>) {
    for (const s of smiles) {
      if (s && !this.#images.has(s) && !this.#inFlight.has(s)) this.#queued.add(s);
    }
    if (this.#queued.size > 0 && this.#timer === null) this.#timer = setTimeout(() => this.#flush(), 16);
  }

  get size(): number {
    return this.#images.size;
  }

  #flush() {
    this.#timer = null;
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
