// One collection on the model's latent map: the points (typed arrays, never deep-reactive: 250,000 of them),
// their colour values, the faint training background, a grid index for hit-testing, which molecule is
// selected and which are boxed, and the designed molecules drawn on top. The map call returns ids only; the
// molecules' SMILES and names (for the hover drawing, the seed and "keep as a list") are read in pages behind
// it, in file order.
import type { ApiClient } from '../../../main/api/client.ts';
import type { PropertyStat } from '../../../main/api/contract.ts';
import { ScatterIndex } from '../lib/scatter-index.ts';
import { ColorScale } from '../lib/map-view.ts';
import { percentileRange } from '../lib/scatter-view.ts';

const PAGE = 2000;

export interface MapPoints {
  ids: Int32Array;
  x: Float32Array;
  y: Float32Array;
  values: (number | null)[] | null;
  background: { x: Float32Array; y: Float32Array };
  index: ScatterIndex;
  axes: [string, string];
}

export interface MapMolecule {
  id: number;
  smiles: string;
  name: string | null;
}

/** A designed molecule drawn on the map over the collection. */
export interface Marker {
  x: number;
  y: number;
  smiles: string | null;
  kind: 'seed' | 'walk' | 'history' | 'neighbour' | 'path';
}

export class LatentMapState {
  /** the latest map; replaced as a whole (its arrays are never mutated) */
  points = $state.raw<MapPoints | null>(null);
  missing = $state(0);
  unencodable = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  colorBy = $state<string | null>(null);
  /** the plane shown: the model's PCA plane, or the collection's UMAP layout (see map-projection.svelte.ts) */
  projection = $state<'pca' | 'umap'>('pca');
  colorScale = $state.raw<ColorScale | null>(null);
  /** the colour scale spans these percentiles of the values (2nd-98th: a few extremes, cLogP -15 or 22.6, do not wash
   * every other point into one colour); beyond them a point takes the end colour */
  lowPercentile = $state(2);
  highPercentile = $state(98);
  /** the data's own ends, for the legend beside the scale's */
  colorData = $state.raw<{ min: number; max: number } | null>(null);
  /** what the map on show is coloured by (colorBy is the choice, which a load in flight has not drawn yet) */
  shownColorBy = $state<string | null>(null);
  /** numeric properties and user columns one can colour by */
  colorKeys = $state.raw<PropertyStat[]>([]);
  selected = $state<number | null>(null);
  /** indices (into points) inside the last box */
  boxed = $state.raw<number[]>([]);
  markers = $state.raw<Marker[]>([]);
  /** molecules whose SMILES are known, of the collection's count */
  moleculesKnown = $state(0);

  count = $derived(this.points?.ids.length ?? 0);

  readonly #client: ApiClient;
  readonly #collectionId: number;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- filled in pages; moleculesKnown says how far
  readonly #molecules = new Map<number, MapMolecule>();
  #reading: Promise<void> | null = null;
  #disposed = false;
  #request = 0;

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.#collectionId = collectionId;
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    try {
      const colorBy = this.colorBy ?? undefined;
      const map = await this.#client.call('latent.map', { collectionId: this.#collectionId, colorBy, projection: this.projection });
      if (request !== this.#request) return;
      const x = Float32Array.from(map.x);
      const y = Float32Array.from(map.y);
      const previous = this.points;
      this.points = {
        ids: Int32Array.from(map.ids),
        x,
        y,
        values: map.values,
        background: { x: Float32Array.from(map.background.x), y: Float32Array.from(map.background.y) },
        index: new ScatterIndex(x, y),
        axes: map.axes,
      };
      this.#rescale();
      this.shownColorBy = this.colorScale ? (colorBy ?? null) : null;
      this.missing = map.missing;
      this.unencodable = map.unencodable;
      this.error = null;
      // A re-read with more points shifts indices: keep the selection by molecule id.
      if (previous && this.selected !== null) this.selected = this.indexOf(previous.ids[this.selected]);
      if (previous) this.boxed = [];
    } catch (error) {
      if (request === this.#request) this.error = `Could not read the latent map: ${(error as Error).message}`;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Span the colour scale over other percentiles of the values (0 and 100: the data's minimum and maximum). */
  setPercentiles(low: number, high: number) {
    const clamp = (v: number) => Math.max(0, Math.min(100, Number.isFinite(v) ? v : 0));
    this.lowPercentile = Math.min(clamp(low), clamp(high));
    this.highPercentile = Math.max(clamp(low), clamp(high));
    this.#rescale();
  }

  #rescale() {
    const values = this.points?.values;
    const r = values ? percentileRange(values, this.lowPercentile, this.highPercentile) : null;
    this.colorScale = r ? new ColorScale(r.min, r.max) : null;
    this.colorData = r ? { min: r.dataMin, max: r.dataMax } : null;
  }

  async loadColorKeys(): Promise<void> {
    try {
      const { stats } = await this.#client.call('collections.propertyStats', { collectionId: this.#collectionId });
      this.colorKeys = stats.filter((s) => s.count > 0 && s.max > s.min);
    } catch {
      this.colorKeys = [];
    }
  }

  setColorBy(key: string | null) {
    this.colorBy = key;
    void this.load();
  }

  indexOf(id: number): number | null {
    const ids = this.points?.ids;
    if (!ids) return null;
    const i = ids.indexOf(id);
    return i < 0 ? null : i;
  }

  /** The molecule at a point, once its page has been read (undefined before). */
  moleculeAt(index: number): MapMolecule | undefined {
    // Read so that a caller in a reaction runs again as pages land.
    void this.moleculesKnown;
    const id = this.points?.ids[index];
    return id === undefined ? undefined : this.#molecules.get(id);
  }

  valueAt(index: number): number | null {
    return this.points?.values?.[index] ?? null;
  }

  select(index: number | null) {
    this.selected = index;
  }

  box(x0: number, y0: number, x1: number, y1: number) {
    this.boxed = this.points ? this.points.index.inBox(x0, y0, x1, y1) : [];
  }

  clearBox() {
    this.boxed = [];
  }

  /** The boxed molecules whose SMILES are known (all of them once the pages are read). */
  boxedMolecules(): MapMolecule[] {
    return this.boxed.map((i) => this.moleculeAt(i)).filter((m): m is MapMolecule => m !== undefined);
  }

  /** Read the collection's SMILES and names in pages (once; later calls wait for the same reading). */
  readMolecules(): Promise<void> {
    this.#reading ??= this.#readPages().catch((error) => {
      this.#reading = null;
      this.error = `Could not read the molecules: ${(error as Error).message}`;
    });
    return this.#reading;
  }

  /** The view is gone: stop reading pages (a 250,000-molecule read would go on loading the core). */
  dispose() {
    this.#disposed = true;
  }

  async #readPages() {
    for (let offset = 0; !this.#disposed; offset += PAGE) {
      const { total, rows } = await this.#client.call('collections.molecules', { collectionId: this.#collectionId, offset, limit: PAGE });
      for (const r of rows) this.#molecules.set(r.id, { id: r.id, smiles: r.canonicalSmiles, name: r.name });
      this.moleculesKnown = this.#molecules.size;
      if (rows.length === 0 || offset + rows.length >= total) return;
    }
  }
}
