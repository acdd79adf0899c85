// The latent map's geometry and its point layer, without the DOM: a view (centre and pixels per latent unit,
// the same in x and y so distances on screen are honest), zoom about the pointer, pan, fit; and the drawing of
// every point into a pixel buffer in one pass (250,000 points are a few milliseconds; canvas arcs would be
// hundreds), which the component puts on a canvas once per view change.
import { interpolateViridis } from 'd3-scale-chromatic';

export interface View {
  /** latent-plane coordinates at the canvas centre */
  cx: number;
  cy: number;
  /** CSS pixels per latent unit */
  scale: number;
}

export interface Extent {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export function fitView(extent: Extent, width: number, height: number, margin = 24): View {
  const w = Math.max(1e-9, extent.maxX - extent.minX);
  const h = Math.max(1e-9, extent.maxY - extent.minY);
  const scale = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  return { cx: (extent.minX + extent.maxX) / 2, cy: (extent.minY + extent.maxY) / 2, scale: Number.isFinite(scale) && scale > 0 ? scale : 1 };
}

export const toScreenX = (v: View, width: number, x: number) => (x - v.cx) * v.scale + width / 2;
/** y grows upwards on the map and downwards on screen */
export const toScreenY = (v: View, height: number, y: number) => height / 2 - (y - v.cy) * v.scale;
export const toDataX = (v: View, width: number, sx: number) => (sx - width / 2) / v.scale + v.cx;
export const toDataY = (v: View, height: number, sy: number) => (height / 2 - sy) / v.scale + v.cy;

/** Zoom by factor keeping the latent point under (sx, sy) where it is. */
export function zoomAt(v: View, width: number, height: number, sx: number, sy: number, factor: number): View {
  const x = toDataX(v, width, sx);
  const y = toDataY(v, height, sy);
  const scale = Math.min(1e7, Math.max(1e-3, v.scale * factor));
  return { scale, cx: x - (sx - width / 2) / scale, cy: y - (height / 2 - sy) / scale };
}

export const panBy = (v: View, dx: number, dy: number): View => ({ ...v, cx: v.cx - dx / v.scale, cy: v.cy + dy / v.scale });

export function extentOf(...sets: { x: ArrayLike<number>; y: ArrayLike<number> }[]): Extent {
  const e = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const { x, y } of sets) {
    for (let i = 0; i < x.length; i++) {
      e.minX = Math.min(e.minX, x[i]);
      e.maxX = Math.max(e.maxX, x[i]);
      e.minY = Math.min(e.minY, y[i]);
      e.maxY = Math.max(e.maxY, y[i]);
    }
  }
  return Number.isFinite(e.minX) ? e : { minX: -1, maxX: 1, minY: -1, maxY: 1 };
}

/** RGBA packed as the canvas's ImageData reads a Uint32Array on little-endian machines (every browser's). */
export const rgba = (r: number, g: number, b: number, a = 255) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;

const parseRgb = (css: string): [number, number, number] => {
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as [number, number, number];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
};

/** A continuous colour scale over [min, max]: viridis, sampled once into a 256-entry table. */
export class ColorScale {
  readonly min: number;
  readonly max: number;
  readonly #table = new Uint32Array(256);
  readonly css: string[] = [];

  constructor(min: number, max: number) {
    this.min = min;
    this.max = max;
    for (let i = 0; i < 256; i++) {
      const css = interpolateViridis(i / 255);
      const [r, g, b] = parseRgb(css);
      this.#table[i] = rgba(r, g, b);
      this.css.push(`rgb(${r}, ${g}, ${b})`);
    }
  }

  static over(values: ArrayLike<number | null>): ColorScale | null {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return Number.isFinite(min) ? new ColorScale(min, max) : null;
  }

  #slot(value: number): number {
    const t = this.max > this.min ? (value - this.min) / (this.max - this.min) : 0.5;
    return Math.round(255 * Math.min(1, Math.max(0, t)));
  }

  packed(value: number): number {
    return this.#table[this.#slot(value)];
  }

  cssOf(value: number): string {
    return this.css[this.#slot(value)];
  }
}

export const POINT = rgba(42, 111, 201, 230);
export const NO_VALUE = rgba(190, 196, 204, 255);
export const BACKGROUND = rgba(216, 220, 226, 255);
export const PICKED = rgba(226, 92, 20, 255);

export interface Layer {
  x: Float32Array;
  y: Float32Array;
  /** per-point packed colour, or one colour for all */
  colors: Uint32Array | number;
  /** square dot size in device pixels */
  size: number;
}

/** Draws the layers, in order, into a width × height pixel buffer (cleared first to transparent). */
export function drawPoints(buffer: Uint32Array, width: number, height: number, view: View, pixelRatio: number, layers: Layer[]): void {
  buffer.fill(0);
  const s = view.scale * pixelRatio;
  const ox = width / 2 - view.cx * s;
  const oy = height / 2 + view.cy * s;
  for (const { x, y, colors, size } of layers) {
    const half = size >> 1;
    const single = typeof colors === 'number' ? colors : 0;
    for (let i = 0; i < x.length; i++) {
      const px = Math.round(x[i] * s + ox) - half;
      const py = Math.round(oy - y[i] * s) - half;
      if (px + size <= 0 || py + size <= 0 || px >= width || py >= height) continue;
      const color = typeof colors === 'number' ? single : colors[i];
      const x0 = Math.max(0, px);
      const x1 = Math.min(width, px + size);
      const y1 = Math.min(height, py + size);
      for (let yy = Math.max(0, py); yy < y1; yy++) {
        const row = yy * width;
        for (let xx = x0; xx < x1; xx++) buffer[row + xx] = color;
      }
    }
  }
}
