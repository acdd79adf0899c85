import { describe, expect, it } from 'vitest';
import { ScatterIndex } from './scatter-index.ts';

/** A reproducible cloud (no Math.random: a failure must be the same on the next run). */
function cloud(n: number, seed = 7) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = next() * 3;
    y[i] = next() * 1.5 + 4;
  }
  return { x, y };
}

function bruteNearest(x: Float32Array, y: Float32Array, px: number, py: number, max: number) {
  let best = -1;
  let bestD = max * max;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] - px) ** 2 + (y[i] - py) ** 2;
    if (d <= bestD) [best, bestD] = [i, d];
  }
  return best;
}

describe('ScatterIndex', () => {
  const { x, y } = cloud(20_000);
  const index = new ScatterIndex(x, y);

  it('finds the same nearest point as a scan over every point', () => {
    const probes = cloud(300, 99);
    for (let k = 0; k < 300; k++) {
      const [px, py] = [probes.x[k] * 1.2, probes.y[k]];
      const found = index.nearest(px, py, 0.05);
      const expected = bruteNearest(x, y, px, py, 0.05);
      if (found === expected) continue;
      // Ties at equal distance may pick either point.
      expect(found).not.toBe(-1);
      expect((x[found] - px) ** 2 + (y[found] - py) ** 2).toBeCloseTo((x[expected] - px) ** 2 + (y[expected] - py) ** 2, 10);
    }
  });

  it('answers -1 far from every point, and for an empty set', () => {
    expect(index.nearest(100, 100, 1)).toBe(-1);
    expect(new ScatterIndex(new Float32Array(0), new Float32Array(0)).nearest(0, 0, 10)).toBe(-1);
  });

  it('lists exactly the points inside a box, corners in any order', () => {
    const inside = index.inBox(1, 4.5, -0.5, 3.9);
    const expected = [...x.keys()].filter((i) => x[i] >= -0.5 && x[i] <= 1 && y[i] >= 3.9 && y[i] <= 4.5);
    expect(expected.length).toBeGreaterThan(100);
    expect(inside).toEqual(expected);
  });

  it('handles points that all sit on one spot', () => {
    const one = new ScatterIndex(new Float32Array([2, 2, 2]), new Float32Array([1, 1, 1]));
    expect(one.nearest(2, 1, 0.1)).toBeGreaterThanOrEqual(0);
    expect(one.inBox(0, 0, 3, 3)).toEqual([0, 1, 2]);
  });

  it('refuses coordinates of different lengths', () => {
    expect(() => new ScatterIndex(new Float32Array(2), new Float32Array(3))).toThrow(/2 values but y has 3/);
  });
});
