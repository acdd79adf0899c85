import { describe, expect, it } from 'vitest';
import { dataX, dataY, drawScatter, fitPlot, frameOf, panPlot, percentileRange, screenX, screenY, zoomPlot } from './scatter-view.ts';

const f = frameOf(400, 300);

describe('scatter view', () => {
  it('fits the finite pairs with a margin, skipping missing values', () => {
    const v = fitPlot(Float32Array.of(0, 10, Number.NaN, 5), Float32Array.of(100, 200, 5000, Number.NaN));
    expect(v.x0).toBeCloseTo(-0.4);
    expect(v.x1).toBeCloseTo(10.4);
    expect(v.y0).toBeCloseTo(96);
    expect(v.y1).toBeCloseTo(204);
  });

  it('maps data to the screen and back, y upwards', () => {
    const v = { x0: 0, x1: 10, y0: 0, y1: 1 };
    expect(screenX(v, f, 0)).toBe(f.left);
    expect(screenY(v, f, 0)).toBe(f.top + f.height);
    expect(dataX(v, f, screenX(v, f, 7.5))).toBeCloseTo(7.5);
    expect(dataY(v, f, screenY(v, f, 0.25))).toBeCloseTo(0.25);
  });

  it('zooms about the pointer and pans with it', () => {
    const v = { x0: 0, x1: 10, y0: 0, y1: 1 };
    const sx = screenX(v, f, 2);
    const sy = screenY(v, f, 0.8);
    const z = zoomPlot(v, f, sx, sy, 2);
    expect(z.x1 - z.x0).toBeCloseTo(5);
    expect(dataX(z, f, sx)).toBeCloseTo(2);
    expect(dataY(z, f, sy)).toBeCloseTo(0.8);
    const p = panPlot(v, f, f.width / 10, 0);
    expect(p.x0).toBeCloseTo(-1);
  });

  it('spans the 2nd to 98th percentile of a colour column, keeping the data ends', () => {
    const values = [...Array.from({ length: 98 }, (_, i) => i / 10), -15, 22.6, null];
    const r = percentileRange(values)!;
    expect(r.dataMin).toBe(-15);
    expect(r.dataMax).toBe(22.6);
    expect(r.min).toBeGreaterThan(-1);
    expect(r.max).toBeLessThan(10);
    expect(percentileRange([null, Number.NaN])).toBeNull();
  });

  it('draws each point with values inside the plot area, and only those', () => {
    const buffer = new Uint32Array(400 * 300);
    const v = { x0: 0, x1: 10, y0: 0, y1: 10 };
    const drawn = drawScatter(buffer, 400, 300, v, f, 1, Float32Array.of(5, 50, Number.NaN, 0), Float32Array.of(5, 5, 1, 0), 7, 3);
    expect(drawn).toBe(2);
    const at = (x: number, y: number) => buffer[Math.round(screenY(v, f, y)) * 400 + Math.round(screenX(v, f, x))];
    expect(at(5, 5)).toBe(7);
    // nothing left of the plot area (the axis labels' room)
    for (let yy = 0; yy < 300; yy++) for (let xx = 0; xx < f.left - 1; xx++) expect(buffer[yy * 400 + xx]).toBe(0);
  });

  it('puts every dot where rounding the point to the nearest pixel puts it, clipped to the plot area', () => {
    const [W, H] = [300, 200];
    const fr = frameOf(W, H);
    const v = { x0: -1, x1: 11, y0: -5, y1: 5 };
    const n = 3000;
    const x = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1300) / 100 - 1.5);
    const y = Float32Array.from({ length: n }, (_, i) => ((i * 104729) % 1100) / 100 - 5.5);
    const colors = Uint32Array.from({ length: n }, (_, i) => i + 1);
    for (const ratio of [1, 2]) {
      const [w, h] = [W * ratio, H * ratio];
      const got = new Uint32Array(w * h);
      drawScatter(got, w, h, v, fr, ratio, x, y, colors, 3);
      // the plain way: round each point to a pixel, a 3x3 square about it, clipped
      const want = new Uint32Array(w * h);
      const [cx0, cy0] = [Math.floor(fr.left * ratio), Math.floor(fr.top * ratio)];
      const [cx1, cy1] = [Math.min(w, Math.ceil((fr.left + fr.width) * ratio)), Math.min(h, Math.ceil((fr.top + fr.height) * ratio))];
      for (let i = 0; i < n; i++) {
        const px = Math.round(screenX(v, fr, x[i]) * ratio) - 1;
        const py = Math.round(screenY(v, fr, y[i]) * ratio) - 1;
        for (let yy = py; yy < py + 3; yy++) for (let xx = px; xx < px + 3; xx++) if (xx >= cx0 && xx < cx1 && yy >= cy0 && yy < cy1) want[yy * w + xx] = colors[i];
      }
      let differing = 0;
      for (let k = 0; k < want.length; k++) if (got[k] !== want[k]) differing++;
      // float rounding of x * k + offset against (x - x0) * k may move a dot sitting exactly on a half pixel (none here
      // today): at most two dots' worth of pixels
      expect(differing).toBeLessThanOrEqual(12);
    }
  });
});
