// A uniform grid over a scatter's points, so that "which point is under the pointer" and "which points are in
// this box" look at a few cells instead of all 250,000 points on every mousemove. Built once per data set
// with a counting sort (two passes over the points, no per-cell arrays).
export class ScatterIndex {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly #cells: number;
  readonly #cellW: number;
  readonly #cellH: number;
  /** point indices grouped by cell; cell c holds order[start[c] .. start[c + 1]) */
  readonly #order: Int32Array;
  readonly #start: Int32Array;

  constructor(x: Float32Array, y: Float32Array, cells = 256) {
    if (x.length !== y.length) throw new Error(`x has ${x.length} values but y has ${y.length}`);
    this.x = x;
    this.y = y;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < x.length; i++) {
      if (x[i] < minX) minX = x[i];
      if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i];
      if (y[i] > maxY) maxY = y[i];
    }
    if (x.length === 0) minX = minY = maxX = maxY = 0;
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    // Fewer cells for few points: about 4 points a cell at most resolution.
    this.#cells = Math.max(1, Math.min(cells, Math.ceil(Math.sqrt(x.length / 4))));
    this.#cellW = (maxX - minX || 1) / this.#cells;
    this.#cellH = (maxY - minY || 1) / this.#cells;
    const cellOf = new Int32Array(x.length);
    const start = new Int32Array(this.#cells * this.#cells + 1);
    for (let i = 0; i < x.length; i++) {
      const c = this.#cell(this.#col(x[i]), this.#row(y[i]));
      cellOf[i] = c;
      start[c + 1]++;
    }
    for (let c = 0; c < this.#cells * this.#cells; c++) start[c + 1] += start[c];
    const fill = start.slice(0, -1);
    const order = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) order[fill[cellOf[i]]++] = i;
    this.#order = order;
    this.#start = start;
  }

  get size(): number {
    return this.x.length;
  }

  /** The point nearest to (px, py) within maxDistance (data units), or -1. */
  nearest(px: number, py: number, maxDistance: number): number {
    let best = -1;
    let bestD2 = maxDistance * maxDistance;
    this.#visit(px - maxDistance, py - maxDistance, px + maxDistance, py + maxDistance, (i) => {
      const dx = this.x[i] - px;
      const dy = this.y[i] - py;
      const d2 = dx * dx + dy * dy;
      if (d2 <= bestD2) {
        bestD2 = d2;
        best = i;
      }
    });
    return best;
  }

  /** Indices of the points inside the box (corners in any order), in index order. */
  inBox(x0: number, y0: number, x1: number, y1: number): number[] {
    const [ax, bx] = x0 <= x1 ? [x0, x1] : [x1, x0];
    const [ay, by] = y0 <= y1 ? [y0, y1] : [y1, y0];
    const hits: number[] = [];
    this.#visit(ax, ay, bx, by, (i) => {
      if (this.x[i] >= ax && this.x[i] <= bx && this.y[i] >= ay && this.y[i] <= by) hits.push(i);
    });
    return hits.sort((a, b) => a - b);
  }

  #visit(x0: number, y0: number, x1: number, y1: number, each: (i: number) => void) {
    if (this.size === 0 || x1 < this.minX || x0 > this.maxX || y1 < this.minY || y0 > this.maxY) return;
    const c0 = this.#col(x0);
    const c1 = this.#col(x1);
    const r0 = this.#row(y0);
    const r1 = this.#row(y1);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = this.#cell(c, r);
        for (let k = this.#start[cell]; k < this.#start[cell + 1]; k++) each(this.#order[k]);
      }
    }
  }

  #col(x: number): number {
    return Math.min(this.#cells - 1, Math.max(0, Math.floor((x - this.minX) / this.#cellW)));
  }

  #row(y: number): number {
    return Math.min(this.#cells - 1, Math.max(0, Math.floor((y - this.minY) / this.#cellH)));
  }

  #cell(col: number, row: number): number {
    return row * this.#cells + col;
  }
}
