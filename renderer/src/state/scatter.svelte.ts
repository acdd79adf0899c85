// A scatter plot of two columns of one collection, coloured by a third: the columns come in one call as typed
// arrays (collections.columnValues: 250,000 molecules are a few MB, never row objects), follow the table's filter,
// and are indexed once on a grid for hover and brush. The colour spans the colour column's 2nd to 98th
// percentile by default (adjustable), so a few extreme values do not wash every other point into one colour.
// The hovered molecule's SMILES and name are read by id when the pointer rests on it.
import type { ApiClient } from '../../../main/api/client.ts';
import type { MoleculeFilter, MoleculeRow } from '../../../main/api/contract.ts';
import { ScatterIndex } from '../lib/scatter-index.ts';
import { ColorScale } from '../lib/map-view.ts';
import { percentileRange } from '../lib/scatter-view.ts';

export interface ScatterData {
  ids: Int32Array;
  x: Float32Array;
  y: Float32Array;
  /** the colour column, NaN where missing; null when colouring by nothing */
  c: Float32Array | null;
  /** over the points with both x and y: position in the index -> position in the arrays */
  index: ScatterIndex;
  indexed: Int32Array;
  keys: { x: string; y: string; c: string | null };
}

export function decodeFloat32(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

export function decodeInt32(base64: string): Int32Array {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return new Int32Array(bytes.buffer);
}

/** The grid index over the points with both values (a NaN has no cell). */
export function indexPoints(x: Float32Array, y: Float32Array): { index: ScatterIndex; indexed: Int32Array } {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) n++;
  const indexed = new Int32Array(n);
  const ix = new Float32Array(n);
  const iy = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    indexed[k] = i;
    ix[k] = x[i];
    iy[k] = y[i];
    k++;
  }
  return { index: new ScatterIndex(ix, iy), indexed };
}

export class ScatterState {
  xKey = $state('mol_wt');
  yKey = $state('clogp');
  colorKey = $state<string | null>('qed');
  data = $state.raw<ScatterData | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** the colour scale's span, in the colour column's percentiles */
  lowPercentile = $state(2);
  highPercentile = $state(98);
  colorRange = $state.raw<{ min: number; max: number; dataMin: number; dataMax: number } | null>(null);
  /** positions (into data) inside the last brush */
  brushed = $state.raw<number[]>([]);

  readonly collectionId: number;
  readonly #client: ApiClient;
  #request = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache read by id; `molecules` below says when it grew
  readonly #molecules = new Map<number, MoleculeRow>();
  molecules = $state(0);

  constructor(client: ApiClient, collectionId: number) {
    this.#client = client;
    this.collectionId = collectionId;
  }

  /** points with both values */
  get shown(): number {
    return this.data?.indexed.length ?? 0;
  }

  get colorScale(): ColorScale | null {
    const r = this.colorRange;
    return r ? new ColorScale(r.min, r.max) : null;
  }

  async load(filter: MoleculeFilter | undefined): Promise<void> {
    const request = ++this.#request;
    const keys = { x: this.xKey, y: this.yKey, c: this.colorKey };
    this.loading = true;
    try {
      const asked = [keys.x, keys.y, ...(keys.c ? [keys.c] : [])];
      const r = await this.#client.call('collections.columnValues', { collectionId: this.collectionId, keys: asked, filter });
      if (request !== this.#request) return;
      const x = decodeFloat32(r.columns[0].values);
      const y = decodeFloat32(r.columns[1].values);
      const c = keys.c ? decodeFloat32(r.columns[2].values) : null;
      const { index, indexed } = indexPoints(x, y);
      this.data = { ids: decodeInt32(r.ids), x, y, c, index, indexed, keys };
      this.brushed = [];
      this.#rescale();
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = `Could not read the columns: ${(error as Error).message}`;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  setPercentiles(low: number, high: number) {
    this.lowPercentile = Math.max(0, Math.min(100, Math.min(low, high)));
    this.highPercentile = Math.max(0, Math.min(100, Math.max(low, high)));
    this.#rescale();
  }

  #rescale() {
    const c = this.data?.c;
    this.colorRange = c ? percentileRange(c, this.lowPercentile, this.highPercentile) : null;
  }

  /** Per-point packed colours for the drawing, or null for one colour. */
  colors(noValue: number): Uint32Array | null {
    const d = this.data;
    const scale = this.colorScale;
    if (!d?.c || !scale) return null;
    const out = new Uint32Array(d.c.length);
    for (let i = 0; i < out.length; i++) out[i] = d.c[i] === d.c[i] ? scale.packed(d.c[i]) : noValue;
    return out;
  }

  /** The point (position into data) nearest the data point, within the half-widths given in each axis' units, or -1. */
  nearest(x: number, y: number, halfX: number, halfY: number): number {
    const d = this.data;
    if (!d) return -1;
    let best = -1;
    let bestD = Infinity;
    for (const k of d.index.inBox(x - halfX, y - halfY, x + halfX, y + halfY)) {
      const i = d.indexed[k];
      const dx = (d.x[i] - x) / halfX;
      const dy = (d.y[i] - y) / halfY;
      const dist = dx * dx + dy * dy;
      if (dist < bestD) {
        bestD = dist;
        best = i;
      }
    }
    return best;
  }

  /** Brush: the points inside the box (data units, corners in any order). */
  brush(x0: number, y0: number, x1: number, y1: number) {
    const d = this.data;
    if (!d) return;
    this.brushed = d.index.inBox(x0, y0, x1, y1).map((k) => d.indexed[k]);
  }

  brushedIds(): number[] {
    const d = this.data;
    return d ? this.brushed.map((i) => d.ids[i]) : [];
  }

  /** The molecule at a position, once read (`request` it first). */
  moleculeAt(position: number): MoleculeRow | undefined {
    void this.molecules;
    const id = this.data?.ids[position];
    return id === undefined ? undefined : this.#molecules.get(id);
  }

  async request(position: number): Promise<void> {
    const id = this.data?.ids[position];
    if (id === undefined || this.#molecules.has(id)) return;
    try {
      const { rows } = await this.#client.call('collections.moleculesByIds', { ids: [id] });
      for (const r of rows) this.#molecules.set(r.id, r);
      this.molecules = this.#molecules.size;
    } catch {
      // the tooltip keeps saying it is reading; the plot itself is unaffected
    }
  }
}
