// A scatter plot of two columns without the DOM: a view is the data window shown (x and y each with their own
// unit, unlike the latent map's one scale), zoom about the pointer, pan, fit with a margin, nice axis ticks
// (d3-array), and the drawing of every point into a pixel buffer in one pass (250,000 points in a few
// milliseconds, where canvas arcs take hundreds), put on a canvas once per view change.
import { quantileSorted, ticks } from 'd3-array';

export interface PlotView {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Plot area inside the canvas (CSS pixels): room for the axes' labels on the left and at the bottom. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function frameOf(width: number, height: number): Frame {
  const left = 52;
  const bottom = 34;
  const top = 10;
  const right = 12;
  return { left, top, width: Math.max(1, width - left - right), height: Math.max(1, height - top - bottom) };
}

/** The data's extent over finite pairs, with 4 % margin each side (a zero span opened to ±0.5). */
export function fitPlot(x: ArrayLike<number>, y: ArrayLike<number>): PlotView {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (!Number.isFinite(x0)) return { x0: 0, x1: 1, y0: 0, y1: 1 };
  const pad = (lo: number, hi: number): [number, number] => (hi > lo ? [lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04] : [lo - 0.5, hi + 0.5]);
  const [px0, px1] = pad(x0, x1);
  const [py0, py1] = pad(y0, y1);
  return { x0: px0, x1: px1, y0: py0, y1: py1 };
}

export const screenX = (v: PlotView, f: Frame, x: number) => f.left + ((x - v.x0) / (v.x1 - v.x0)) * f.width;
/** y grows upwards in the plot and downwards on screen */
export const screenY = (v: PlotView, f: Frame, y: number) => f.top + (1 - (y - v.y0) / (v.y1 - v.y0)) * f.height;
export const dataX = (v: PlotView, f: Frame, sx: number) => v.x0 + ((sx - f.left) / f.width) * (v.x1 - v.x0);
export const dataY = (v: PlotView, f: Frame, sy: number) => v.y0 + (1 - (sy - f.top) / f.height) * (v.y1 - v.y0);

/** Zoom by `factor` (> 1 zooms in) keeping the data point under (sx, sy) where it is. */
export function zoomPlot(v: PlotView, f: Frame, sx: number, sy: number, factor: number): PlotView {
  const x = dataX(v, f, sx);
  const y = dataY(v, f, sy);
  const k = 1 / factor;
  const next = { x0: x - (x - v.x0) * k, x1: x + (v.x1 - x) * k, y0: y - (y - v.y0) * k, y1: y + (v.y1 - y) * k };
  // not past the float's resolution, nor out to nothing
  const okX = next.x1 - next.x0 > 1e-9 * Math.max(1, Math.abs(x)) && next.x1 - next.x0 < 1e12;
  const okY = next.y1 - next.y0 > 1e-9 * Math.max(1, Math.abs(y)) && next.y1 - next.y0 < 1e12;
  return okX && okY ? next : v;
}

/** Pan by a drag of (dx, dy) CSS pixels: the data follows the pointer. */
export function panPlot(v: PlotView, f: Frame, dx: number, dy: number): PlotView {
  const ddx = (dx / f.width) * (v.x1 - v.x0);
  const ddy = (dy / f.height) * (v.y1 - v.y0);
  return { x0: v.x0 - ddx, x1: v.x1 - ddx, y0: v.y0 + ddy, y1: v.y1 + ddy };
}

export function axisTicks(lo: number, hi: number, count: number): number[] {
  return ticks(lo, hi, count);
}

/**
 * The range a colour scale spans: the values' lower and upper percentiles (2nd and 98th by default), so a few
 * extreme molecules (cLogP −15 or 22.6) do not squeeze every other one into one colour. Null without values.
 */
export function percentileRange(values: ArrayLike<number | null>, low = 2, high = 98): { min: number; max: number; dataMin: number; dataMax: number } | null {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) finite.push(v);
  }
  if (!finite.length) return null;
  finite.sort((a, b) => a - b);
  const min = quantileSorted(finite, Math.min(low, high) / 100)!;
  const max = quantileSorted(finite, Math.max(low, high) / 100)!;
  return { min, max, dataMin: finite[0], dataMax: finite[finite.length - 1] };
}

/**
 * Draws every point with finite x and y into a width × height buffer (device pixels; cleared first): a square
 * dot of `size` device pixels in its packed colour (per point, or one for all). Returns how many were drawn.
 */
export function drawScatter(
  buffer: Uint32Array,
  width: number,
  height: number,
  v: PlotView,
  f: Frame,
  pixelRatio: number,
  x: Float32Array,
  y: Float32Array,
  colors: Uint32Array | number,
  size: number,
): number {
  buffer.fill(0);
  const kx = (f.width * pixelRatio) / (v.x1 - v.x0);
  const ky = (f.height * pixelRatio) / (v.y1 - v.y0);
  const half = size >> 1;
  // the dot's top-left corner is floor(screen + 0.5) - half: Math.round folded into the offsets
  const ox = f.left * pixelRatio - v.x0 * kx + 0.5 - half;
  const oy = (f.top + f.height) * pixelRatio + v.y0 * ky + 0.5 - half;
  // clip to the plot area, not the whole canvas: the axes stay clean
  const cx0 = Math.floor(f.left * pixelRatio);
  const cy0 = Math.floor(f.top * pixelRatio);
  const cx1 = Math.min(width, Math.ceil((f.left + f.width) * pixelRatio));
  const cy1 = Math.min(height, Math.ceil((f.top + f.height) * pixelRatio));
  const lx = cx0 - size;
  const ly = cy0 - size;
  const single = typeof colors === 'number';
  let drawn = 0;
  for (let i = 0; i < x.length; i++) {
    const fx = x[i] * kx + ox;
    const fy = oy - y[i] * ky;
    // off the plot, or NaN (a missing value fails every comparison)
    if (!(fx > lx && fx < cx1 && fy > ly && fy < cy1)) continue;
    const px = Math.floor(fx);
    const py = Math.floor(fy);
    if (px + size <= cx0 || py + size <= cy0) continue;
    const color = single ? colors : colors[i];
    const xa = px < cx0 ? cx0 : px;
    const xb = px + size > cx1 ? cx1 : px + size;
    const yb = py + size > cy1 ? cy1 : py + size;
    for (let yy = py < cy0 ? cy0 : py; yy < yb; yy++) {
      const row = yy * width;
      for (let xx = xa; xx < xb; xx++) buffer[row + xx] = color;
    }
    drawn++;
  }
  return drawn;
}
