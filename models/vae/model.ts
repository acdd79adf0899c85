// The SMILES VAE (DESIGN.md "The model"), built from the engine's layers so the same code declares the
// parameters of the train step and of the exported inference graphs (same names, same maths):
//   embedding → two GRU directions → [h_fwd, h_bwd] → mu, logvar;  z = mu + eps·exp(logvar/2), eps from the host;
//   decoder GRU: h0 = linear(z), input at every step [embedding(previous token), z], logits = linear(h);
//   property head: z → tanh MLP → normalized properties.
// The backward direction reads each row reversed within its own length (tokens_rev, made by the host) and both
// directions take their state at the row's last real token (a one-hot `last` over time), so padding never
// reaches the encoding: a molecule encodes the same in any length bucket and at inference.
// Loss = masked token cross-entropy + kl_weight · Σ_d max(KL_d, free_bits) + prop_weight · masked MSE, where
// KL_d is dimension d's KL averaged over the batch (free bits keep the optimizer from closing a dimension it
// barely uses), and kl_weight / prop_weight are scalar inputs so annealing needs no recompilation.
import { Graph } from '../graph/builder.ts';
import { gru } from '../graph/gru.ts';
import { gruTrain, type GruInput } from '../graph/gru-steps.ts';
import type { DType, Value } from '../graph/ir.ts';
import { tensor } from '../graph/ort.ts';
import type { ort } from '../graph/ort.ts';
import type { Rng } from '../graph/rng.ts';
import type { LossGraph } from '../train/compile-step.ts';
import { gruParams, linear, maskedCrossEntropy } from '../train/layers.ts';
import type { TrainModel } from '../train/loop.ts';
import { Params } from '../train/params.ts';
import { targetTokens } from '../train/sharded-step.ts';
import type { ShardedLoss } from '../train/sharded-step.ts';

export interface VaeConfig {
  vocab: number;
  embedding: number;
  encoderHidden: number;
  latent: number;
  decoderHidden: number;
  /** Hidden width of the property MLP. */
  propertyHidden: number;
  /** Property names, in the order of the head's outputs (e.g. ['clogp', 'qed', 'sa']); may be empty. */
  properties: string[];
  /** Free bits per latent dimension, in nats (0 disables). */
  freeBits: number;
}

/** One training example: token ids with <bos> first and <eos> last; normalized properties, NaN where missing. */
export interface VaeExample {
  ids: Int32Array;
  props?: Float32Array;
}

/** Token table [vocab, E]; shared by both encoder directions and the decoder. */
export function embeddingTable(ps: Params, c: VaeConfig): Value {
  return ps.add('emb.weight', [c.vocab, c.embedding], { normal: 1 });
}

/**
 * One GRU direction over a time-major input (dense x [T, B, I], or token ids into the embedding table, either
 * with a per-sequence constant seen at every step: gru-steps.ts) with optional h0 [B, H]; y [T, B, H], last
 * [B, H]. For inference graphs, ONNX's GRU op over the input written out, with Squeeze and Unsqueeze rather than
 * Reshape so T and B stay free. Parameters declared by train/layers' gruParams.
 */
export function gruDirection(ps: Params, name: string, input: GruInput, hidden: number, o: { h0?: Value; inference?: boolean } = {}): { y: Value; last: Value } {
  const g = ps.g;
  const { w, r, b } = gruParams(ps, name, input, hidden);
  if (!o.inference) return gruTrain(g, input, w, r, b, o.h0 ?? null);
  if (input.constant) throw new Error('gruDirection: an inference graph takes its input written out (x)');
  const x = input.x ?? g.gather(input.tokens!.table, input.tokens!.ids, 0);
  const res = gru(g, x, w, r, b, o.h0 ? g.unsqueeze(o.h0, [0]) : null, false);
  return { y: g.squeeze(res.y, [1]), last: g.squeeze(res.last, [0]) };
}

export interface EncoderInputs {
  /** int64 [T, B] */
  tokens: Value;
  /** int64 [T, B]: each row's real tokens reversed, padding still at the end. */
  tokensRev: Value;
  /** [T, B]: 1 at each row's last real token. */
  last: Value;
}

/** mu and logvar [B, latent]. */
export function encoder(ps: Params, c: VaeConfig, table: Value, io: EncoderInputs, inference = false): { mu: Value; logvar: Value } {
  const g = ps.g;
  const pick = (y: Value) => g.reduceSum(g.mul(y, g.unsqueeze(io.last, [2])), [0]); // state at the last real token
  const fwd = gruDirection(ps, 'enc.fwd', { tokens: { table, ids: io.tokens } }, c.encoderHidden, { inference });
  const bwd = gruDirection(ps, 'enc.bwd', { tokens: { table, ids: io.tokensRev } }, c.encoderHidden, { inference });
  const h = g.concat([pick(fwd.y), pick(bwd.y)], 1);
  return { mu: linear(ps, 'mu', h, c.latent), logvar: linear(ps, 'logvar', h, c.latent) };
}

/** The decoder's initial state from z [B, latent]. */
export function initialState(ps: Params, c: VaeConfig, z: Value): Value {
  return linear(ps, 'z2h', z, c.decoderHidden);
}

/**
 * Decoder over previous tokens prev [T, B] (int64) with z [B, latent] at every step, as if each step's input were
 * [embedding(prev_t), z]: states [T, B, H]. (Training only; export.ts writes the same cell out for one step at a time.)
 */
export function decoderStates(ps: Params, c: VaeConfig, table: Value, prev: Value, z: Value, h0: Value): { y: Value; last: Value } {
  return gruDirection(ps, 'dec', { tokens: { table, ids: prev }, constant: z }, c.decoderHidden, { h0 });
}

/** Token logits [N, vocab] from decoder states [N, H]. */
export function outputLogits(ps: Params, c: VaeConfig, h: Value): Value {
  return linear(ps, 'out', h, c.vocab);
}

/** Normalized property predictions [B, P] from z [B, latent]. */
export function propertyHead(ps: Params, c: VaeConfig, z: Value): Value {
  const g = ps.g;
  return linear(ps, 'prop.out', g.tanh(linear(ps, 'prop.hidden', z, c.propertyHidden)), Math.max(1, c.properties.length));
}

export interface VaeBatch extends EncoderInputs {
  /** [T, B]: 1 where a token is real. */
  mask: Value;
  /** [B, latent] standard normal noise. */
  eps: Value;
  /** [B, P] normalized properties (anything where missing) and [B, P] 1 where present. */
  props: Value;
  propsMask: Value;
  klWeight: Value;
  propWeight: Value;
  /** In a shard of a batch (sharded-step.ts): the whole batch's totals, and for free bits its gate. */
  shard?: VaeShardInputs;
}

/** What a shard's loss takes of its whole batch (vaeShardedLoss). */
export interface VaeShardInputs {
  /** Target tokens of the whole batch (at least 1). */
  ceDenominator: Value;
  rowsTotal: Value;
  /** Present properties of the whole batch (at least 1). */
  propsDenominator: Value;
  /** [latent] 1 where the whole batch's mean KL of that dimension exceeds the free bits (freeBits > 0 only). */
  klGate?: Value;
}

export interface VaeLoss {
  loss: Value;
  ce: Value;
  /** Σ_d KL_d without free bits (what the posterior really costs). */
  kl: Value;
  prop: Value;
}

/** Declares every parameter in ps and returns the loss and its parts. */
export function vaeLoss(ps: Params, c: VaeConfig, io: VaeBatch): VaeLoss {
  const g = ps.g;
  const [t, b] = io.tokens.shape;
  const table = embeddingTable(ps, c);
  const { mu, logvar } = encoder(ps, c, table, io);
  const z = g.add(mu, g.mul(io.eps, g.exp(g.mul(logvar, 0.5))));

  // Teacher forcing: tokens 0..T-2 predict 1..T-1.
  const prev = g.slice(io.tokens, [0], [t - 1], [0]);
  const dec = decoderStates(ps, c, table, prev, z, initialState(ps, c, z));
  const logits = outputLogits(ps, c, g.reshape(dec.y, [(t - 1) * b, c.decoderHidden]));
  const targets = g.reshape(g.slice(io.tokens, [1], [t], [0]), [(t - 1) * b]);
  const mask = g.reshape(g.slice(io.mask, [1], [t], [0]), [(t - 1) * b]);
  const sh = io.shard;
  const ce = maskedCrossEntropy(g, logits, targets, mask, sh?.ceDenominator);

  // KL per dimension, averaged over the batch; free bits as λ + relu(KL_d − λ) (Relu has a gradient rule).
  const klDims = klPerDimension(g, mu, logvar, sh?.rowsTotal);
  const kl = g.reduceSum(klDims);
  let klTerm = kl;
  if (c.freeBits > 0 && !sh) klTerm = g.reduceSum(g.add(g.relu(g.sub(klDims, c.freeBits)), c.freeBits));
  else if (c.freeBits > 0 && sh) {
    // a shard's share of Σ_d max(KL_d, λ) with the whole batch's gate: gate_d·(its share of KL_d) + (1 − gate_d)·λ·(its
    // share of the rows); over the shards this adds up to the whole batch's term, and so does its gradient
    if (!sh.klGate) throw new Error('vae loss: a shard with free bits needs the whole batch’s KL gate');
    const share = g.mul(g.div(g.scalar(b, mu.dtype), sh.rowsTotal), c.freeBits);
    klTerm = g.reduceSum(g.add(g.mul(sh.klGate, klDims), g.mul(g.sub(1, sh.klGate), share)));
  }

  const diff = g.sub(propertyHead(ps, c, z), io.props);
  const prop = g.div(g.reduceSum(g.mul(g.mul(diff, diff), io.propsMask)), sh?.propsDenominator ?? g.max(g.reduceSum(io.propsMask), g.scalar(1, diff.dtype)));

  const loss = g.sum(ce, g.mul(klTerm, io.klWeight), g.mul(prop, io.propWeight));
  return { loss, ce, kl, prop };
}

function batchInputs(g: Graph, c: VaeConfig, batch: number, length: number, dtype: DType): VaeBatch {
  const p = Math.max(1, c.properties.length);
  return {
    tokens: g.input('tokens', 'int64', [length, batch]),
    tokensRev: g.input('tokens_rev', 'int64', [length, batch]),
    last: g.input('last', dtype, [length, batch]),
    mask: g.input('mask', dtype, [length, batch]),
    eps: g.input('eps', dtype, [batch, c.latent]),
    props: g.input('props', dtype, [batch, p]),
    propsMask: g.input('props_mask', dtype, [batch, p]),
    klWeight: g.input('kl_weight', dtype, []),
    propWeight: g.input('prop_weight', dtype, []),
  };
}

/** The loss graph for one batch shape, for the train-step compiler. */
export function vaeLossGraph(c: VaeConfig, batch: number, length: number, dtype: DType = 'float32'): LossGraph {
  const g = new Graph();
  const io = batchInputs(g, c, batch, length, dtype);
  const ps = new Params(g, dtype);
  const { loss, ce, kl, prop } = vaeLoss(ps, c, io);
  return { graph: g, params: ps.specs, loss, reports: { ce, kl, prop } };
}

/** Parameter names, shapes and initializers (no step built). */
export function vaeParams(c: VaeConfig): Params {
  const g = new Graph();
  const ps = new Params(g);
  vaeLoss(ps, c, batchInputs(g, c, 1, 2, 'float32'));
  return ps;
}

/**
 * KL of each latent dimension [latent], averaged over the rows; with `rowsTotal`, summed over these rows and divided
 * by that (a shard's share of the whole batch's).
 */
function klPerDimension(g: Graph, mu: Value, logvar: Value, rowsTotal?: Value): Value {
  const terms = g.sub(g.add(g.mul(mu, mu), g.exp(logvar)), g.add(logvar, 1));
  return g.mul(rowsTotal ? g.div(g.reduceSum(terms, [0]), rowsTotal) : g.reduceMean(terms, [0]), 0.5);
}

function shardInputs(g: Graph, c: VaeConfig, dtype: DType): VaeShardInputs {
  return {
    ceDenominator: g.input('shard.ce_denominator', dtype, []),
    rowsTotal: g.input('shard.rows_total', dtype, []),
    propsDenominator: g.input('shard.props_denominator', dtype, []),
    klGate: c.freeBits > 0 ? g.input('shard.kl_gate', dtype, [c.latent]) : undefined,
  };
}

/**
 * The VAE's loss in shards of a batch (sharded-step.ts): token inputs cut along axis 1, per-row ones along 0; the
 * whole batch's totals from its feeds; with free bits, each shard's share of the batch's KL per dimension first
 * (the encoder alone), from which the gate.
 */
export function vaeShardedLoss(c: VaeConfig): ShardedLoss {
  const sharded: ShardedLoss = {
    lossGraph: (batch, length) => {
      const g = new Graph();
      const io = { ...batchInputs(g, c, batch, length, 'float32'), shard: shardInputs(g, c, 'float32') };
      const ps = new Params(g);
      const { loss, ce, kl, prop } = vaeLoss(ps, c, io);
      return { graph: g, params: ps.specs, loss, reports: { ce, kl, prop } };
    },
    batchAxis: { tokens: 1, tokens_rev: 1, last: 1, mask: 1, eps: 0, props: 0, props_mask: 0 },
    totals: (feeds) => {
      const pm = feeds.props_mask.data as Float32Array;
      let props = 0;
      for (let i = 0; i < pm.length; i++) props += pm[i];
      return {
        'shard.ce_denominator': tensor('float32', [targetTokens(feeds.mask)], []),
        'shard.rows_total': tensor('float32', [feeds.eps.dims[0]], []),
        'shard.props_denominator': tensor('float32', [Math.max(props, 1)], []),
      };
    },
  };
  if (c.freeBits > 0)
    sharded.statistic = {
      graph: (batch, length) => {
        const g = new Graph();
        const io = batchInputs(g, c, batch, length, 'float32');
        const ps = new Params(g);
        const { mu, logvar } = encoder(ps, c, embeddingTable(ps, c), io);
        return { graph: g, output: klPerDimension(g, mu, logvar, g.input('shard.rows_total', 'float32', [])) };
      },
      input: 'shard.kl_gate',
      make: (sum) => tensor('float32', Float32Array.from(sum, (x) => (x > c.freeBits ? 1 : 0)), [c.latent]),
    };
  return sharded;
}

/** Host-side batch tensors for examples padded to `length` (time-major). */
export function batchFeeds(c: VaeConfig, examples: readonly VaeExample[], length: number, eps: Float32Array, klWeight: number, propWeight: number): Record<string, ort.Tensor> {
  const b = examples.length;
  const p = Math.max(1, c.properties.length);
  const tokens = new BigInt64Array(length * b), rev = new BigInt64Array(length * b);
  const last = new Float32Array(length * b), mask = new Float32Array(length * b);
  const props = new Float32Array(b * p), propsMask = new Float32Array(b * p);
  examples.forEach((e, j) => {
    const n = Math.min(e.ids.length, length);
    for (let t = 0; t < n; t++) {
      tokens[t * b + j] = BigInt(e.ids[t]);
      rev[t * b + j] = BigInt(e.ids[n - 1 - t]);
      mask[t * b + j] = 1;
    }
    last[(n - 1) * b + j] = 1;
    if (e.props)
      for (let k = 0; k < c.properties.length; k++) {
        const v = e.props[k];
        if (Number.isFinite(v)) {
          props[j * p + k] = v;
          propsMask[j * p + k] = 1;
        }
      }
  });
  return {
    tokens: tensor('int64', tokens, [length, b]),
    tokens_rev: tensor('int64', rev, [length, b]),
    last: tensor('float32', last, [length, b]),
    mask: tensor('float32', mask, [length, b]),
    eps: tensor('float32', eps, [b, c.latent]),
    props: tensor('float32', props, [b, p]),
    props_mask: tensor('float32', propsMask, [b, p]),
    kl_weight: tensor('float32', [klWeight], []),
    prop_weight: tensor('float32', [propWeight], []),
  };
}

export interface VaeTrainOptions {
  /** KL weight by update number (annealing). */
  klWeight: (update: number) => number;
  propWeight: number;
}

/** The VAE as something train/loop.ts can train. */
export function vaeTrainModel(c: VaeConfig, o: VaeTrainOptions): TrainModel<VaeExample> {
  return {
    params: vaeParams(c).specs.map(({ name, shape, init }) => ({ name, shape, init })),
    lossGraph: (batch, length) => vaeLossGraph(c, batch, length),
    sharded: vaeShardedLoss(c),
    length: (e) => e.ids.length,
    feeds: (examples, length, rng: Rng, update) =>
      batchFeeds(c, examples, length, Float32Array.from(rng.normals(examples.length * c.latent)), o.klWeight(update), o.propWeight),
  };
}

/** A KL weight schedule: a linear ramp, then optional steps (each sets the weight from update `at` on). */
export interface KlSchedule {
  from?: number;
  to: number;
  start?: number;
  length: number;
  /**
   * Changes made to a run after its ramp, in order: the weight is `weight` from update `at` on. They let a run's
   * configuration say what it actually trained with, so that a fresh run from it follows the same schedule.
   */
  steps?: { at: number; weight: number }[];
}

/** Linear KL annealing from `from` to `to` over updates [start, start + length], then the last step reached. */
export function klAnnealing(a: KlSchedule): (update: number) => number {
  const from = a.from ?? 0, start = a.start ?? 0;
  const steps = [...(a.steps ?? [])].sort((x, y) => x.at - y.at);
  return (u) => {
    let w = from + (a.to - from) * Math.min(1, Math.max(0, (u - start) / Math.max(1, a.length)));
    for (const s of steps) if (u >= s.at) w = s.weight;
    return w;
  };
}
