// Gradient steps along the property head: z ← z + η·∇f/|∇f|, where f is the weighted objective as the head
// predicts it (objectives.ts headWeights), every step decoded and judged on the real molecule. Several rays
// run side by side as rows of one batch (one gradient call, one decode call per step), each with its own step
// size η; the rays after the first also take a small seeded random step with each gradient step (sd
// `jitter`), so they reach different molecules. The head's gradient can run along directions the decoder
// ignores (from paracetamol, 5 latent units up the QED gradient still decode to paracetamol), so a ray whose
// molecule has not changed for a step lengthens its steps by half (up to 4η). A ray that has left the
// similarity constraint behind for `patience` steps starts again from the seed with half its step size
// (the molecules it passed are in the archive).
import type { Rng } from '../../../models/graph/rng.ts';
import { headWeights } from './objectives.ts';
import type { Evaluator } from './evaluator.ts';
import type { SearchControl } from './search-control.ts';

export interface GradientSettings {
  /** rays decoded side by side; default 8 */
  rays?: number;
  /** the largest step size (latent units); rays use η·(k+1)/rays; default 0.5 */
  stepSize?: number;
  /** sd of the random step the rays after the first add to each gradient step; default 0.1 */
  jitter?: number;
  /** steps a ray may stay out of the similarity constraint before it restarts; default 3 */
  patience?: number;
}

export class GradientUnavailable extends Error {}

export async function gradientSearch(ev: Evaluator, budget: number, s: GradientSettings, rng: Rng, control: SearchControl): Promise<void> {
  const m = ev.model;
  const L = m.latent;
  const norm = m.bundle.manifest.propertyNormalization;
  if (!norm) throw new GradientUnavailable(`the model ${m.name} has no property head: use the cmaes method`);
  const rays = Math.max(1, Math.min(s.rays ?? 8, budget));
  const eta0 = s.stepSize ?? 0.5, jitter = s.jitter ?? 0.1, patience = s.patience ?? 3;
  const P = norm.names.length;
  const eta = Float64Array.from({ length: rays }, (_, k) => (eta0 * (k + 1)) / rays);
  const z = new Float32Array(rays * L);
  const away = new Int32Array(rays);
  const last: (string | null)[] = new Array(rays).fill(ev.seed.canonical);
  const restart = (k: number) => {
    z.set(ev.seed.z.subarray(0, L), k * L);
    away[k] = 0;
    last[k] = ev.seed.canonical;
  };
  for (let k = 0; k < rays; k++) restart(k);
  let iteration = 0;
  while (ev.decodes < budget && !control.stopped()) {
    const rows = Math.min(rays, budget - ev.decodes);
    const pred = await m.predictProperties(z.subarray(0, rows * L), rows);
    const weights = new Float32Array(rows * P);
    for (let k = 0; k < rows; k++) {
      const at: Record<string, number> = {};
      for (const name of norm.names) at[name] = pred[name][k];
      const w = headWeights(ev.o.objectives, norm.names, norm.std, at);
      if (!w) throw new GradientUnavailable(`the gradient method follows the property head (${norm.names.join(', ')}, and plogp): an objective here is not one of them, use the cmaes method`);
      weights.set(w, k * P);
    }
    const grad = await m.bundle.runtime.propertyGrad(z.slice(0, rows * L), weights, rows);
    for (let k = 0; k < rows; k++) {
      let n2 = 0;
      for (let i = 0; i < L; i++) n2 += grad[k * L + i] ** 2;
      const scale = n2 > 0 ? eta[k] / Math.sqrt(n2) : 0;
      for (let i = 0; i < L; i++) z[k * L + i] += scale * grad[k * L + i] + (k === 0 ? 0 : jitter * rng.normal());
    }
    const cands = await ev.judge(z.slice(0, rows * L), rows, ++iteration);
    control.progress(ev);
    cands.forEach((c, k) => {
      if (c.smiles !== null && c.smiles === last[k]) eta[k] = Math.min(eta[k] * 1.5, 4 * eta0);
      last[k] = c.smiles;
      const far = c.violations.some((v) => v.code === 'similarity');
      away[k] = far ? away[k] + 1 : 0;
      if (away[k] >= patience) {
        eta[k] /= 2;
        restart(k);
      }
    });
  }
}
