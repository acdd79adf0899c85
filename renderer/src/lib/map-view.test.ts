import { describe, expect, it } from 'vitest';
import { ColorScale, drawPoints, extentOf, fitView, panBy, rgba, toDataX, toDataY, toScreenX, toScreenY, zoomAt } from './map-view.ts';

describe('map view', () => {
  const extent = { minX: -2, maxX: 6, minY: 1, maxY: 3 };

  it('fits an extent inside the canvas with its margin, centred', () => {
    const v = fitView(extent, 800, 600, 20);
    expect(toScreenX(v, 800, -2)).toBeCloseTo(20);
    expect(toScreenX(v, 800, 6)).toBeCloseTo(780);
    expect(toScreenY(v, 600, 2)).toBeCloseTo(300);
    // y grows upwards: the larger y is higher on screen
    expect(toScreenY(v, 600, 3)).toBeLessThan(toScreenY(v, 600, 1));
  });

  it('keeps the point under the pointer in place while zooming, and maps screen to data and back', () => {
    const v = fitView(extent, 800, 600);
    const [sx, sy] = [613, 140];
    const before = [toDataX(v, 800, sx), toDataY(v, 600, sy)];
    const z = zoomAt(v, 800, 600, sx, sy, 2.5);
    expect(z.scale).toBeCloseTo(v.scale * 2.5);
    expect(toDataX(z, 800, sx)).toBeCloseTo(before[0]);
    expect(toDataY(z, 600, sy)).toBeCloseTo(before[1]);
    expect(toScreenX(z, 800, toDataX(z, 800, 55))).toBeCloseTo(55);
  });

  it('pans with the pointer: what was under it follows it', () => {
    const v = fitView(extent, 800, 600);
    const x = toDataX(v, 800, 100);
    const y = toDataY(v, 600, 100);
    const p = panBy(v, 30, -40);
    expect(toScreenX(p, 800, x)).toBeCloseTo(130);
    expect(toScreenY(p, 600, y)).toBeCloseTo(60);
  });

  it('takes the extent of several point sets; a default for none', () => {
    expect(extentOf({ x: [1, 5], y: [0, 2] }, { x: [-3], y: [9] })).toEqual({ minX: -3, maxX: 5, minY: 0, maxY: 9 });
    expect(extentOf({ x: [], y: [] })).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
  });
});

describe('ColorScale', () => {
  it('spans the finite values, ignoring missing ones, and runs dark to light', () => {
    const scale = ColorScale.over([3, null, -1, Number.NaN, 7])!;
    expect([scale.min, scale.max]).toEqual([-1, 7]);
    const lightness = (css: string) => css.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    expect(lightness(scale.cssOf(7))).toBeGreaterThan(lightness(scale.cssOf(-1)));
    expect(scale.cssOf(100)).toBe(scale.cssOf(7));
    expect(ColorScale.over([null, null])).toBeNull();
  });
});

describe('drawPoints', () => {
  it('puts each point at its pixel, later layers on top, and skips points off the canvas', () => {
    const v = { cx: 0, cy: 0, scale: 10 };
    const buffer = new Uint32Array(20 * 20);
    const red = rgba(255, 0, 0);
    const blue = rgba(0, 0, 255);
    drawPoints(buffer, 20, 20, v, 1, [
      { x: new Float32Array([0, 0.5, 50]), y: new Float32Array([0, -0.5, 0]), colors: red, size: 1 },
      { x: new Float32Array([0]), y: new Float32Array([0]), colors: new Uint32Array([blue]), size: 1 },
    ]);
    expect(buffer[10 * 20 + 10]).toBe(blue);
    expect(buffer[15 * 20 + 15]).toBe(red);
    expect(buffer.filter((p) => p !== 0).length).toBe(2);
  });
});
