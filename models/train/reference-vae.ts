// The reference SMILES VAE of ../shared/bench/reference-config.json, built from the reusable layers: embedding,
// bidirectional GRU encoder → (mu, logvar), z = mu + eps·exp(logvar/2) with eps fed by the host, GRU decoder
// whose initial state is linear(z) and whose every input is [embedding of the previous token, z], linear to
// token logits; loss = masked cross-entropy (teacher forcing) + kl_weight · KL. Same architecture as
// pytorch_reference.py, so the speed comparison is like for like.
import { Graph } from '../graph/builder.ts';
import type { DType, Value } from '../graph/ir.ts';
import { tensor } from '../graph/ort.ts';
import type { LossGraph } from './compile-step.ts';
import type { TrainModel } from './loop.ts';
import { embeddingTable, gaussianKl, gruLayer, linear, maskedCrossEntropy } from './layers.ts';
import { Params } from './params.ts';
import { targetTokens } from './sharded-step.ts';
import type { ShardedLoss } from './sharded-step.ts';

export interface VaeDims {
  vocab: number;
  embedding: number;
  encoderHidden: number;
  latent: number;
  decoderHidden: number;
}

export interface VaeBatchValues {
  /** int64 [T, B], time-major token ids (0 = padding). */
  tokens: Value;
  /** [T, B], 1 where a token is real. */
  mask: Value;
  /** [B, latent] standard normal noise. */
  eps: Value;
  /** scalar KL weight. */
  klWeight: Value;
  /** In a shard of a batch (sharded-step.ts): the whole batch's target-token count (at least 1) and rows. */
  shard?: { ceDenominator: Value; rowsTotal: Value };
}

/** Declares the parameters in ps and returns the loss and its parts. */
export function referenceVaeLoss(ps: Params, d: VaeDims, io: VaeBatchValues): { loss: Value; ce: Value; kl: Value } {
  const g = ps.g;
  const [t, b] = io.tokens.shape;
  const table = embeddingTable(ps, 'emb', d.vocab, d.embedding); // [V, E]
  const fwd = gruLayer(ps, 'enc.fwd', { tokens: { table, ids: io.tokens } }, d.encoderHidden);
  const bwd = gruLayer(ps, 'enc.bwd', { tokens: { table, ids: io.tokens } }, d.encoderHidden, { reverse: true });
  const h = g.concat([fwd.last, bwd.last], 1);
  const mu = linear(ps, 'mu', h, d.latent);
  const logvar = linear(ps, 'logvar', h, d.latent);
  const z = g.add(mu, g.mul(io.eps, g.exp(g.mul(logvar, 0.5))));
  const h0 = linear(ps, 'z2h', z, d.decoderHidden);
  // Teacher forcing: tokens 0..T-2 predict 1..T-1; every step's input is [embedding of the previous token, z].
  const prev = g.slice(io.tokens, [0], [t - 1], [0]);
  const dec = gruLayer(ps, 'dec', { tokens: { table, ids: prev }, constant: z }, d.decoderHidden, { h0 });
  const logits = linear(ps, 'out', g.reshape(dec.y, [(t - 1) * b, d.decoderHidden]), d.vocab);
  const targets = g.reshape(g.slice(io.tokens, [1], [t], [0]), [(t - 1) * b]);
  const mask = g.reshape(g.slice(io.mask, [1], [t], [0]), [(t - 1) * b]);
  const ce = maskedCrossEntropy(g, logits, targets, mask, io.shard?.ceDenominator);
  const kl = gaussianKl(g, mu, logvar, io.shard?.rowsTotal);
  return { loss: g.add(ce, g.mul(kl, io.klWeight)), ce, kl };
}

/**
 * The float32 loss graph for one batch shape, with inputs tokens, mask, eps, kl_weight; `shard`: a shard's, with
 * the whole batch's totals as inputs too (shard.ce_denominator, shard.rows_total).
 */
export function referenceVaeLossGraph(d: VaeDims, batch: number, length: number, dtype: DType = 'float32', shard = false): LossGraph {
  const g = new Graph();
  const io: VaeBatchValues = {
    tokens: g.input('tokens', 'int64', [length, batch]),
    mask: g.input('mask', dtype, [length, batch]),
    eps: g.input('eps', dtype, [batch, d.latent]),
    klWeight: g.input('kl_weight', dtype, []),
    shard: shard ? { ceDenominator: g.input('shard.ce_denominator', dtype, []), rowsTotal: g.input('shard.rows_total', dtype, []) } : undefined,
  };
  const ps = new Params(g, dtype);
  const { loss, ce, kl } = referenceVaeLoss(ps, d, io);
  return { graph: g, params: ps.specs, loss, reports: { ce, kl } };
}

/** The parameter list (names, shapes, inits) without building a step, e.g. to initialize weights. */
export function referenceVaeParams(d: VaeDims): Params {
  const g = new Graph();
  const ps = new Params(g);
  referenceVaeLoss(ps, d, {
    tokens: g.input('tokens', 'int64', [2, 1]),
    mask: g.input('mask', 'float32', [2, 1]),
    eps: g.input('eps', 'float32', [1, d.latent]),
    klWeight: g.input('kl_weight', 'float32', []),
  });
  return ps;
}

/** The reference VAE's loss in shards (sharded-step.ts): token inputs cut along their batch axis (1), eps along 0. */
export function referenceVaeShardedLoss(d: VaeDims): ShardedLoss {
  return {
    lossGraph: (batch, length) => referenceVaeLossGraph(d, batch, length, 'float32', true),
    batchAxis: { tokens: 1, mask: 1, eps: 0 },
    totals: (feeds) => ({
      'shard.ce_denominator': tensor('float32', [targetTokens(feeds.mask)], []),
      'shard.rows_total': tensor('float32', [feeds.eps.dims[0]], []),
    }),
  };
}

export interface ReferenceVaeOptions {
  /** KL weight, constant or by update number. */
  klWeight: number | ((update: number) => number);
}

/** The reference VAE as something the training loop can train: examples are token-id sequences. */
export function referenceVaeModel(d: VaeDims, o: ReferenceVaeOptions): TrainModel<Int32Array> {
  return {
    params: referenceVaeParams(d).specs.map(({ name, shape, init }) => ({ name, shape, init })),
    lossGraph: (batch, length) => referenceVaeLossGraph(d, batch, length),
    sharded: referenceVaeShardedLoss(d),
    length: (e) => e.length,
    check: (e) => {
      if (e.length < 2) return `${e.length} token(s); a sequence needs at least <bos> and <eos>`;
      for (let t = 0; t < e.length; t++)
        if (!Number.isInteger(e[t]) || e[t] < 0 || e[t] >= d.vocab) return `token id ${e[t]} at position ${t} is outside the vocabulary (size ${d.vocab})`;
      return null;
    },
    feeds: (examples, length, rng, update) => {
      const b = examples.length;
      const tokens = new BigInt64Array(length * b);
      const mask = new Float32Array(length * b);
      examples.forEach((e, j) => {
        for (let t = 0; t < e.length && t < length; t++) {
          tokens[t * b + j] = BigInt(e[t]);
          mask[t * b + j] = 1;
        }
      });
      const kl = typeof o.klWeight === 'number' ? o.klWeight : o.klWeight(update);
      return {
        tokens: tensor('int64', tokens, [length, b]),
        mask: tensor('float32', mask, [length, b]),
        eps: tensor('float32', Float32Array.from(rng.normals(b * d.latent)), [b, d.latent]),
        kl_weight: tensor('float32', [kl], []),
      };
    },
  };
}
