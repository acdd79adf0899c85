// Seeds held exactly: a latent point that decodes (greedy) to the chemist's molecule, so that every design
// operation starts at that molecule rather than at whatever the encoder's mean decodes to. In order of cost:
//   1. the encoder's mean;
//   2. draws from the seed's own posterior N(mu, σ²) (seeded by the molecule, so the same seed finds the same z),
//      checked with the mean as the first rows of step 3;
//   3. gradient descent on the decoder's teacher-forced negative log-likelihood of the seed's tokens with
//      respect to z (models/vae/inversion-graph.ts), from the mean and the posterior draws, plus a small pull
//      toward the training latents (so that walks from the held z stay among molecules). The same graph says, for
//      each row, how many tokens the greedy decoder would not pick; a row with none is confirmed by one decode.
//      No batch decode per check: that was most of the time a seed took.
// When nothing decodes to the seed, the answer says so and names the nearest molecule that is held (the valid
// decode most similar to the seed): never silently another molecule.
import { createHash } from 'node:crypto';
import { Rng } from '../../models/graph/rng.ts';
import { createSession } from '../../models/graph/ort.ts';
import type { ort } from '../../models/graph/ort.ts';
import { tensor } from '../../models/graph/ort.ts';
import { inversionGraph } from '../../models/vae/inversion-graph.ts';
import { readBundleWeights } from '../../models/vae/warm-start.ts';
import type { BaseModel } from '../../models/vae/warm-start.ts';
import { morganFingerprintOf, tanimoto } from '../chem/fingerprint.ts';
import { whitenedProjections } from './confidence.ts';
import type { ModelService } from './model-service.ts';

export type HoldMethod = 'mean' | 'posterior' | 'gradient';

export interface Held {
  /** the latent point to start from: the one that decodes to the seed, else the mean */
  z: Float32Array;
  held: boolean;
  method: HoldMethod | null;
  /** when not held: the nearest molecule that is held (the most similar valid decode), and its Tanimoto to the seed */
  nearest: string | null;
  similarity: number | null;
  /** decodes spent */
  decodes: number;
  /** gradient steps taken (0: held by the mean or a posterior draw) */
  steps?: number;
}

export interface InversionOptions {
  /** posterior draws tried (step 2) and rows descended (step 3) */
  draws?: number;
  /** gradient steps at most */
  steps?: number;
  /** weight of the pull toward the training latents (squared Mahalanobis distance / 2); 0 turns it off */
  typicalityWeight?: number;
}

/**
 * Measured on 200 ChEMBL 31 test seeds (zinc250k, 40 steps): giving up at step 4 when every row still misses more
 * than 5 tokens lost 1 of 200 held seeds and a third of the steps.
 */
const GIVE_UP_AT = 4, GIVE_UP_MISSES = 5;

/** Gradient steps at most, and the token budget that scales them down for long seeds (20 steps up to 56 tokens). */
const MAX_STEPS = 20, STEP_TOKENS = 1150;

/** Sequence lengths are rounded up to a multiple of this, so a handful of graphs serve every seed. */
const LENGTH_STEP = 8;

export class Inverter {
  private weights: BaseModel | null = null;
  private collapsed: Float32Array[] | null = null;
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(private readonly model: ModelService) {}

  private session(length: number, batch: number): Promise<ort.InferenceSession> {
    const key = `${length}x${batch}`;
    let s = this.sessions.get(key);
    if (!s) {
      this.weights ??= readBundleWeights(this.model.dir);
      const w = this.weights;
      s = createSession(inversionGraph(w.config, w.weights, length, batch), { threads: 1 });
      this.sessions.set(key, s);
      s.catch(() => this.sessions.delete(key));
    }
    return s;
  }

  /** nll, ∂nll/∂z and the greedy misses for each row of z [batch × latent], all rows the same token sequence. */
  async nllAndGrad(ids: Int32Array, z: Float32Array, batch: number): Promise<{ nll: Float32Array; grad: Float32Array; misses: Float32Array }> {
    const T = Math.ceil(ids.length / LENGTH_STEP) * LENGTH_STEP;
    const tokens = new BigInt64Array(T * batch), mask = new Float32Array(T * batch);
    for (let t = 0; t < ids.length; t++)
      for (let b = 0; b < batch; b++) {
        tokens[t * batch + b] = BigInt(ids[t]);
        mask[t * batch + b] = 1;
      }
    const s = await this.session(T, batch);
    const out = await s.run({
      z: tensor('float32', z, [batch, this.model.latent]),
      tokens: tensor('int64', tokens, [T, batch]),
      mask: tensor('float32', mask, [T, batch]),
    });
    return { nll: out.nll.data as Float32Array, grad: out.grad.data as Float32Array, misses: out.misses.data as Float32Array };
  }

  /**
   * Adds the gradient of (weight / 2) · the squared Mahalanobis distance under the aggregate posterior to `grad`:
   * the pull that keeps an inverted z among the training latents, where walks and neighbours from it stay valid.
   */
  private addTypicalityPull(z: Float32Array, grad: Float32Array, rows: number, weight: number): void {
    const { mean, axes } = this.model.latentStats;
    const L = this.model.latent;
    if (!weight || mean.length !== L) return;
    for (let r = 0; r < rows; r++) {
      const w = whitenedProjections(this.model, z, r);
      axes.forEach((axis, k) => {
        for (let i = 0; i < L; i++) grad[r * L + i] += weight * w[k] * axis[i];
      });
    }
  }

  /**
   * The principal axes along which the training latents barely vary (variance under 5 % of the largest): latent
   * dimensions the decoder learned to ignore. A posterior draw is N(0, 1) along them, which the decoder does not
   * notice but which puts it far outside the training latents (the typicality flag fires), so the search keeps
   * each row's position along them at the mean's.
   */
  private collapsedAxes(): Float32Array[] {
    if (this.collapsed) return this.collapsed;
    const { axes, variances, mean } = this.model.latentStats;
    const top = Math.max(...variances);
    this.collapsed = mean.length !== this.model.latent ? [] : axes.filter((_, k) => variances[k] < 0.05 * top).map((a) => Float32Array.from(a));
    return this.collapsed;
  }

  private keepCollapsedAtMean(z: Float32Array, mu: Float32Array, rows: number, collapsed: readonly Float32Array[]): void {
    const L = this.model.latent;
    for (let r = 0; r < rows; r++)
      for (const a of collapsed) {
        let c = 0;
        for (let i = 0; i < L; i++) c += (z[r * L + i] - mu[i]) * a[i];
        for (let i = 0; i < L; i++) z[r * L + i] -= c * a[i];
      }
  }

  /** A z that decodes to `canonical` (RDKit canonical SMILES), given its encoder mean and log-variance. */
  async invert(canonical: string, mu: Float32Array, logvar: Float32Array, o: InversionOptions = {}): Promise<Held> {
    const m = this.model;
    const L = m.latent;
    const K = o.draws ?? 4;
    let decodes = 0;
    const candidates: string[] = [];
    const decodeRows = async (z: Float32Array, rows: number) => {
      const dec = await m.decode(z, rows, { strategy: 'greedy' });
      decodes += rows;
      for (const d of dec) if (d.smiles) candidates.push(d.smiles);
      return dec;
    };
    const result = (z: Float32Array, method: HoldMethod): Held => ({ z, held: true, method, nearest: null, similarity: null, decodes });

    // 1. the mean
    if ((await decodeRows(mu, 1))[0]?.smiles === canonical) return result(Float32Array.from(mu), 'mean');

    const enc = m.bundle.vocabulary.encode(canonical);
    if (enc.ok) {
      // 2. the seed's own posterior, seeded by the molecule (row 0 stays the mean), then 3. descent from all rows
      const rng = new Rng(createHash('sha256').update(canonical).digest().readUInt32BE(0));
      const z = new Float32Array(K * L);
      z.set(mu);
      for (let r = 1; r < K; r++) {
        const eps = rng.normals(L);
        for (let i = 0; i < L; i++) z[r * L + i] = mu[i] + Math.exp(logvar[i] / 2) * eps[i];
      }
      const collapsed = this.collapsedAxes();
      this.keepCollapsedAtMean(z, mu, K, collapsed);
      // a step costs in proportion to the seed's length: long seeds get fewer, so that no seed takes much longer than
      // a short one (the p95 a chemist waits is that of the seeds never held, which use every step)
      const steps = o.steps ?? Math.min(MAX_STEPS, Math.round(STEP_TOKENS / (Math.ceil(enc.ids.length / LENGTH_STEP) * LENGTH_STEP)));
      const pull = o.typicalityWeight ?? 0.4;
      // Adam on each row: the NLL surface is steep in some directions and flat in others
      const mom = new Float32Array(K * L), vel = new Float32Array(K * L);
      const lr = 0.08; // Adam's step, in latent units
      for (let step = 0; step <= steps; step++) {
        const { grad, misses } = await this.nllAndGrad(enc.ids, z, K);
        // rows whose teacher-forced argmax is the seed at every token: greedy decodes them back; one decode confirms
        // (the graph and the decoder round differently, so a near-tie may still go the other way)
        const order = [...misses.keys()].filter((r) => misses[r] === 0);
        for (const r of order.slice(0, 2)) {
          const zr = z.slice(r * L, (r + 1) * L);
          if ((await decodeRows(zr, 1))[0]?.smiles === canonical) return { ...result(zr, step === 0 ? (r === 0 ? 'mean' : 'posterior') : 'gradient'), steps: step };
        }
        if (step === steps) break;
        // a search whose best row still misses many tokens after a few steps rarely gets there: stop (most of the
        // cost of seeds that are never held)
        if (step === GIVE_UP_AT && Math.min(...misses) > GIVE_UP_MISSES) break;
        this.addTypicalityPull(z, grad, K, pull);
        const t = step + 1;
        for (let i = 0; i < K * L; i++) {
          mom[i] = 0.9 * mom[i] + 0.1 * grad[i];
          vel[i] = 0.999 * vel[i] + 0.001 * grad[i] * grad[i];
          const mh = mom[i] / (1 - 0.9 ** t), vh = vel[i] / (1 - 0.999 ** t);
          z[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
        }
        this.keepCollapsedAtMean(z, mu, K, collapsed);
      }
      // what the rows decode to now: the nearest held molecule is chosen among them
      await decodeRows(z, K);
    }

    // not held: the mean, and the nearest molecule that is held
    const seedFp = morganFingerprintOf(canonical);
    let nearest: string | null = null, similarity = -1;
    for (const c of new Set(candidates)) {
      const fp = morganFingerprintOf(c);
      if (!fp || !seedFp) continue;
      const s = tanimoto(seedFp, fp);
      if (s > similarity) [nearest, similarity] = [c, s];
    }
    return { z: Float32Array.from(mu), held: false, method: null, nearest, similarity: nearest ? similarity : null, decodes };
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await (await s.catch(() => null))?.release();
    this.sessions.clear();
  }
}
