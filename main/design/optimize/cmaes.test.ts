// CMA-ES on the classic test functions: it must reach the optimum of the sphere, an ill-conditioned
// ellipsoid (which needs the covariance to learn the axes' scales) and Rosenbrock's valley (which needs it to
// follow a curved ridge), and the same seed must give the same run.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../models/graph/rng.ts';
import { CmaEs } from './cmaes.ts';
import { symmetricEigen } from './linalg.ts';

type Fn = (x: Float64Array) => number;
const sphere: Fn = (x) => x.reduce((s, v) => s + v * v, 0);
const ellipsoid: Fn = (x) => x.reduce((s, v, i) => s + 1e6 ** (i / (x.length - 1)) * v * v, 0);
const rosenbrock: Fn = (x) => {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i] * x[i] - x[i + 1]) ** 2 + (1 - x[i]) ** 2;
  return s;
};

function minimize(f: Fn, n: number, seed: number, maxEvals: number, target = 1e-10): { best: number; evals: number; es: CmaEs } {
  const es = new CmaEs({ mean: new Float64Array(n).fill(0.5), sigma: 0.3, rng: new Rng(seed) });
  let best = Infinity, evals = 0;
  while (evals < maxEvals && best > target) {
    const xs = es.ask();
    const fs = xs.map(f);
    evals += xs.length;
    best = Math.min(best, ...fs);
    es.tell(fs);
  }
  return { best, evals, es };
}

describe('symmetricEigen', () => {
  it('reconstructs a symmetric matrix from its eigenpairs', () => {
    const n = 6, rng = new Rng(3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        expect(s).toBeCloseTo(a[i * n + j], 10);
      }
    }
  });
});

describe('CMA-ES', () => {
  it('minimizes the sphere in 10 dimensions', () => {
    const r = minimize(sphere, 10, 1, 20_000);
    expect(r.best).toBeLessThan(1e-10);
    expect(r.evals).toBeLessThan(3000); // ~1,500 for the reference implementation
  });

  it('learns the scales of an ellipsoid with condition 10⁶', () => {
    const r = minimize(ellipsoid, 8, 2, 40_000);
    expect(r.best).toBeLessThan(1e-10);
    // the covariance has learned the axes: its condition number approaches the function's 10⁶
    expect(r.es.condition).toBeGreaterThan(1e4);
  });

  it("follows Rosenbrock's valley to (1, …, 1)", () => {
    const n = 6;
    const r = minimize(rosenbrock, n, 3, 60_000);
    expect(r.best).toBeLessThan(1e-8);
    for (const v of r.es.mean) expect(v).toBeCloseTo(1, 3);
  });

  it('gives the same run for the same seed, another for another seed', () => {
    const a = minimize(rosenbrock, 5, 7, 1000, 0);
    const b = minimize(rosenbrock, 5, 7, 1000, 0);
    const c = minimize(rosenbrock, 5, 8, 1000, 0);
    expect(Array.from(a.es.mean)).toEqual(Array.from(b.es.mean));
    expect(a.best).toBe(b.best);
    expect(Array.from(c.es.mean)).not.toEqual(Array.from(a.es.mean));
  });

  it('refuses a tell that does not match the last ask', () => {
    const es = new CmaEs({ mean: [0, 0, 0], sigma: 1, rng: new Rng(0) });
    es.ask();
    expect(() => es.tell([1, 2])).toThrow(/fitness of all/);
  });
});
