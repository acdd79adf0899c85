// (μ/μ_w, λ)-CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016; the defaults of its purecma):
// weighted recombination, cumulative step-size adaptation, rank-one and rank-μ covariance updates. Minimizes.
// No npm package for it is published under the obvious names (cma-es: 404 on the registry, 2026-12-06), and
// the whole method is ~150 lines, so it lives here with its own tests (sphere, ellipsoid, Rosenbrock).
// Every random draw comes from the Rng it is given: the same seed gives the same search.
import type { Rng } from '../../../models/graph/rng.ts';
import { norm, symmetricEigen } from './linalg.ts';

export interface CmaEsOptions {
  mean: ArrayLike<number>;
  sigma: number;
  /** population size; default 4 + ⌊3 ln n⌋ */
  lambda?: number;
  rng: Rng;
}

export class CmaEs {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  readonly weights: Float64Array;
  readonly mueff: number;
  mean: Float64Array;
  sigma: number;
  generation = 0;
  private readonly cc: number;
  private readonly cs: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly damps: number;
  private readonly chiN: number;
  private readonly pc: Float64Array;
  private readonly ps: Float64Array;
  /** covariance C, and C = B diag(D²) Bᵀ */
  private readonly C: Float64Array;
  private B: Float64Array;
  private D: Float64Array;
  private readonly rng: Rng;
  /** the standard-normal draws behind the last ask, so tell can form the steps without inverting C */
  private lastY: Float64Array[] = [];
  private lastZ: Float64Array[] = [];

  constructor(o: CmaEsOptions) {
    const n = (this.n = o.mean.length);
    if (n < 1) throw new Error('CMA-ES needs at least one dimension');
    if (!(o.sigma > 0)) throw new Error('CMA-ES needs a positive step size');
    this.rng = o.rng;
    this.lambda = Math.max(2, Math.floor(o.lambda ?? 4 + Math.floor(3 * Math.log(n))));
    this.mu = Math.floor(this.lambda / 2);
    const w = new Float64Array(this.mu);
    for (let i = 0; i < this.mu; i++) w[i] = Math.log(this.mu + 0.5) - Math.log(i + 1);
    const sum = w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < this.mu; i++) w[i] /= sum;
    this.weights = w;
    this.mueff = 1 / w.reduce((a, b) => a + b * b, 0);
    const me = this.mueff;
    this.cc = (4 + me / n) / (n + 4 + (2 * me) / n);
    this.cs = (me + 2) / (n + me + 5);
    this.c1 = 2 / ((n + 1.3) ** 2 + me);
    this.cmu = Math.min(1 - this.c1, (2 * (me - 2 + 1 / me)) / ((n + 2) ** 2 + me));
    this.damps = 1 + 2 * Math.max(0, Math.sqrt((me - 1) / (n + 1)) - 1) + this.cs;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.mean = Float64Array.from(o.mean);
    this.sigma = o.sigma;
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.C = new Float64Array(n * n);
    this.B = new Float64Array(n * n);
    this.D = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) this.C[i * n + i] = this.B[i * n + i] = 1;
  }

  /** λ new candidates x = m + σ·B·D·z, z ~ N(0, I). */
  ask(count = this.lambda): Float64Array[] {
    const n = this.n;
    this.lastZ = [];
    this.lastY = [];
    const xs: Float64Array[] = [];
    for (let k = 0; k < count; k++) {
      const z = this.rng.normals(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += this.B[i * n + j] * this.D[j] * z[j];
        y[i] = s;
      }
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = this.mean[i] + this.sigma * y[i];
      this.lastZ.push(z);
      this.lastY.push(y);
      xs.push(x);
    }
    return xs;
  }

  /** Updates the distribution from the fitness (lower is better) of the candidates the last ask gave, in order. */
  tell(fitness: readonly number[]): void {
    const n = this.n, mu = this.mu, w = this.weights;
    if (fitness.length !== this.lastY.length || fitness.length < mu) throw new Error(`tell needs the fitness of all ${this.lastY.length} candidates of the last ask (at least μ = ${mu})`);
    // stable sort by fitness: ties keep ask order, so a run is reproducible
    const order = fitness.map((f, i) => i).sort((a, b) => fitness[a] - fitness[b] || a - b);
    const yw = new Float64Array(n), zw = new Float64Array(n);
    for (let k = 0; k < mu; k++) {
      const y = this.lastY[order[k]], z = this.lastZ[order[k]];
      for (let i = 0; i < n; i++) {
        yw[i] += w[k] * y[i];
        zw[i] += w[k] * z[i];
      }
    }
    for (let i = 0; i < n; i++) this.mean[i] += this.sigma * yw[i];
    // C^(-1/2)·y_w = B·z_w (z_w is the weighted mean of the normal draws)
    const invSqrtCyw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += this.B[i * n + j] * zw[j];
      invSqrtCyw[i] = s;
    }
    const csn = Math.sqrt(this.cs * (2 - this.cs) * this.mueff);
    for (let i = 0; i < n; i++) this.ps[i] = (1 - this.cs) * this.ps[i] + csn * invSqrtCyw[i];
    this.generation++;
    const psNorm = norm(this.ps);
    const hsig = psNorm / Math.sqrt(1 - (1 - this.cs) ** (2 * this.generation)) / this.chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    const ccn = Math.sqrt(this.cc * (2 - this.cc) * this.mueff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - this.cc) * this.pc[i] + hsig * ccn * yw[i];
    // rank-one and rank-μ updates; without hsig the rank-one term's variance loss is made up (c1a)
    const c1a = this.c1 * (1 - (1 - hsig * hsig) * this.cc * (2 - this.cc));
    const keep = 1 - c1a - this.cmu;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rmu = 0;
        for (let k = 0; k < mu; k++) {
          const y = this.lastY[order[k]];
          rmu += w[k] * y[i] * y[j];
        }
        const v = keep * this.C[i * n + j] + this.c1 * this.pc[i] * this.pc[j] + this.cmu * rmu;
        this.C[i * n + j] = this.C[j * n + i] = v;
      }
    }
    this.sigma *= Math.exp(Math.min(1, (this.cs / this.damps) * (psNorm / this.chiN - 1)));
    this.decompose();
  }

  private decompose(): void {
    const { values, vectors } = symmetricEigen(this.C, this.n);
    this.B = vectors;
    // rounding can leave a tiny negative eigenvalue: clamp it so D stays real
    this.D = values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
  }

  /** The covariance's condition number (largest over smallest eigenvalue). */
  get condition(): number {
    const d2 = Array.from(this.D, (d) => d * d);
    return Math.max(...d2) / Math.min(...d2);
  }
}
