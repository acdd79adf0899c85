// The model's confidence in a molecule, the VAE's own anomaly score: the negative ELBO per token,
//   (−log p(x | z = μ) + KL(q(z | x) ‖ N(0, I))) / tokens predicted,
// with the reconstruction term taken at the encoder's mean (teacher-forced, models/vae/inversion-graph.ts without
// the gradient) — low where the model is at home, high where it is not — and whether the mean's greedy decode
// gives the molecule back. A molecule the vocabulary cannot express gets no score and says why.
// Also the latent density of a point under the aggregate posterior (a Gaussian fitted to the training latents):
// its squared Mahalanobis distance over the latent dimensions, to flag designs far outside the training data.
import { createSession } from '../../models/graph/ort.ts';
import type { ort } from '../../models/graph/ort.ts';
import { tensor } from '../../models/graph/ort.ts';
import { inversionGraph } from '../../models/vae/inversion-graph.ts';
import { readBundleWeights } from '../../models/vae/warm-start.ts';
import type { BaseModel } from '../../models/vae/warm-start.ts';
import type { ModelService } from './model-service.ts';
import { problemReason } from './molecule-input.ts';

export interface Confidence {
  /** negative ELBO per token (nats); null when the molecule cannot be encoded */
  negElboPerToken: number | null;
  /** its two parts, per token */
  nllPerToken: number | null;
  klPerToken: number | null;
  /** the greedy decode of the mean is the molecule */
  heldByMean: boolean | null;
  problem: string | null;
}

const BATCH = 64;
const LENGTH_STEP = 8;

export class ConfidenceScorer {
  private weights: BaseModel | null = null;
  private readonly sessions = new Map<number, Promise<ort.InferenceSession>>();

  constructor(private readonly model: ModelService) {}

  private session(length: number): Promise<ort.InferenceSession> {
    let s = this.sessions.get(length);
    if (!s) {
      this.weights ??= readBundleWeights(this.model.dir);
      s = createSession(inversionGraph(this.weights.config, this.weights.weights, length, BATCH, false), { threads: 2 });
      this.sessions.set(length, s);
    }
    return s;
  }

  /** Scores of canonical SMILES, in order. */
  async score(canonical: readonly string[]): Promise<Confidence[]> {
    const m = this.model;
    const L = m.latent;
    const out: Confidence[] = canonical.map(() => ({ negElboPerToken: null, nllPerToken: null, klPerToken: null, heldByMean: null, problem: null }));
    const enc = await m.encode(canonical);
    for (const p of enc.problems) out[p.index!].problem = problemReason(p.message);
    const decoded = enc.rows.length ? await m.decode(enc.mu, enc.rows.length, { strategy: 'greedy' }) : [];
    const vocab = m.bundle.vocabulary;
    // by padded length, BATCH rows a run (the last one padded with copies)
    const groups = new Map<number, number[]>();
    enc.rows.forEach((index, r) => {
      const e = vocab.encode(canonical[index]);
      if (!e.ok) return;
      const T = Math.ceil(e.ids.length / LENGTH_STEP) * LENGTH_STEP;
      groups.set(T, [...(groups.get(T) ?? []), r]);
    });
    for (const [T, rows] of groups)
      for (let s = 0; s < rows.length; s += BATCH) {
        const chunk = rows.slice(s, s + BATCH);
        const z = new Float32Array(BATCH * L), tokens = new BigInt64Array(T * BATCH), mask = new Float32Array(T * BATCH);
        const ids: Int32Array[] = [];
        for (let b = 0; b < BATCH; b++) {
          const r = chunk[b % chunk.length];
          const e = vocab.encode(canonical[enc.rows[r]]);
          const seq = e.ok ? e.ids : new Int32Array([1, 2]);
          ids.push(seq);
          z.set(enc.mu.subarray(r * L, (r + 1) * L), b * L);
          for (let t = 0; t < seq.length; t++) {
            tokens[t * BATCH + b] = BigInt(seq[t]);
            mask[t * BATCH + b] = 1;
          }
        }
        const res = await (await this.session(T)).run({ z: tensor('float32', z, [BATCH, L]), tokens: tensor('int64', tokens, [T, BATCH]), mask: tensor('float32', mask, [T, BATCH]) });
        const nll = res.nll.data as Float32Array;
        chunk.forEach((r, b) => {
          let kl = 0;
          for (let i = 0; i < L; i++) {
            const mu = enc.mu[r * L + i], lv = enc.logvar[r * L + i];
            kl += 0.5 * (mu * mu + Math.exp(lv) - lv - 1);
          }
          const tokensPredicted = ids[b].length - 1;
          const index = enc.rows[r];
          out[index] = {
            negElboPerToken: (nll[b] + kl) / tokensPredicted, nllPerToken: nll[b] / tokensPredicted, klPerToken: kl / tokensPredicted,
            heldByMean: decoded[r].smiles === canonical[index], problem: null,
          };
        });
      }
    return out;
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await (await s.catch(() => null))?.release();
    this.sessions.clear();
  }
}

/**
 * Row r of z [rows × latent] on the aggregate posterior's principal axes, each divided by that axis's variance:
 * (z − mean)·axis_k / variance_k. Its dot with the projections is the squared Mahalanobis distance; Σ_k of it times
 * axis_k is that distance's gradient / 2.
 */
export function whitenedProjections(m: ModelService, z: Float32Array, r: number): Float64Array {
  const { mean, axes, variances } = m.latentStats;
  const L = m.latent;
  const out = new Float64Array(axes.length);
  axes.forEach((axis, k) => {
    let proj = 0;
    for (let i = 0; i < L; i++) proj += (z[r * L + i] - mean[i]) * axis[i];
    out[k] = proj / Math.max(variances[k], 1e-8);
  });
  return out;
}

/** Squared Mahalanobis distance of latent points [rows × latent] under the aggregate posterior (latent statistics). */
export function latentDistance(m: ModelService, z: Float32Array, rows: number): Float32Array {
  const { variances } = m.latentStats;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const w = whitenedProjections(m, z, r);
    let d2 = 0;
    for (let k = 0; k < w.length; k++) d2 += w[k] * w[k] * Math.max(variances[k], 1e-8);
    out[r] = d2;
  }
  return out;
}

/** Area under the ROC curve of scores separating `positives` (higher expected) from `negatives`: P(pos > neg). */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  const all = [...positives.map((v) => ({ v, p: 1 })), ...negatives.map((v) => ({ v, p: 0 }))].sort((a, b) => a.v - b.v);
  // rank-sum (Mann–Whitney U) with ties given their mean rank
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].p) rankSumPos += meanRank;
    i = j;
  }
  const nP = positives.length, nN = negatives.length;
  return (rankSumPos - (nP * (nP + 1)) / 2) / (nP * nN);
}
