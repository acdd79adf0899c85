// Reusable building blocks for models trained by the engine: embedding, linear, GRU layer, masked token
// cross-entropy, Gaussian KL. Each declares its parameters in a Params set and emits builder ops; the dtype
// follows the Params (float32 to train, float64 for finite-difference checks).
import type { Graph } from '../graph/builder.ts';
import { gru } from '../graph/gru.ts';
import { gruInputWidth, gruTrain, type GruInput } from '../graph/gru-steps.ts';
import type { Value } from '../graph/ir.ts';
import type { Params } from './params.ts';

/** An embedding table [vocab, dim] (N(0, 1) rows). */
export function embeddingTable(ps: Params, name: string, vocab: number, dim: number): Value {
  return ps.add(`${name}.weight`, [vocab, dim], { normal: 1 });
}

/** Rows of a [vocab, dim] table for int64 tokens of any shape: result tokens.shape + [dim]. */
export function embedding(ps: Params, name: string, tokens: Value, vocab: number, dim: number): Value {
  return ps.g.gather(embeddingTable(ps, name, vocab, dim), tokens, 0);
}

/** x [..., in] → [..., out]; one Gemm for 2-D inputs, otherwise reshaped to 2-D around it. */
export function linear(ps: Params, name: string, x: Value, out: number): Value {
  const g = ps.g;
  const inDim = x.shape[x.rank - 1];
  const bound = 1 / Math.sqrt(inDim);
  const w = ps.add(`${name}.weight`, [out, inDim], { uniform: bound });
  const b = ps.add(`${name}.bias`, [out], { uniform: bound });
  if (x.rank === 2) return g.gemm(x, w, b, { transB: true });
  const flat = g.reshape(x, [-1, inDim]);
  return g.reshape(g.gemm(flat, w, b, { transB: true }), [...x.shape.slice(0, -1), out]);
}

export interface GruLayerOutputs {
  /** [T, B, H] */
  y: Value;
  /** [B, H]: state after the last step processed (step 0 for the reverse direction). */
  last: Value;
}

/**
 * A GRU direction's parameters in ONNX's layout, W [1, 3H, I + J], R [1, 3H, H], B [1, 6H], with PyTorch's init;
 * I + J is what the input gives. The one declaration for training and inference graphs alike.
 */
export function gruParams(ps: Params, name: string, input: GruInput, hidden: number): { w: Value; r: Value; b: Value } {
  const bound = 1 / Math.sqrt(hidden);
  return {
    w: ps.add(`${name}.W`, [1, 3 * hidden, gruInputWidth(input)], { uniform: bound }),
    r: ps.add(`${name}.R`, [1, 3 * hidden, hidden], { uniform: bound }),
    b: ps.add(`${name}.B`, [1, 6 * hidden], { uniform: bound }),
  };
}

/**
 * One GRU direction (PyTorch's nn.GRU equations) over a time-major input: dense x [T, B, I], or token ids into an
 * embedding table, either with a per-sequence constant seen at every step (gru-steps.ts); optional h0 [B, H].
 * For training graphs (default) it keeps its gates for the backward pass; `inference: true` emits ONNX's compact
 * GRU op over the same input written out (x, or the gathered rows, with the constant concatenated to each step).
 */
export function gruLayer(ps: Params, name: string, input: GruInput, hidden: number, o: { reverse?: boolean; h0?: Value; inference?: boolean } = {}): GruLayerOutputs {
  const g = ps.g;
  const [t, b] = input.x ? input.x.shape : input.tokens!.ids.shape;
  const { w, r, b: bias } = gruParams(ps, name, input, hidden);
  if (!o.inference) return gruTrain(g, input, w, r, bias, o.h0 ?? null, o.reverse ?? false);
  const x0 = input.x ?? g.gather(input.tokens!.table, input.tokens!.ids, 0), c = input.constant;
  const x = c ? g.concat([x0, g.expand(g.unsqueeze(c, [0]), [t, b, c.shape[1]])], 2) : x0;
  const res = gru(g, x, w, r, bias, o.h0 ? g.reshape(o.h0, [1, b, hidden]) : null, o.reverse ?? false);
  return { y: g.reshape(res.y, [t, b, hidden]), last: g.reshape(res.last, [b, hidden]) };
}

/**
 * Mean cross-entropy of logits [N, V] against int64 targets [N], counting only positions where mask [N] is 1:
 * Σ mask·(−log softmax(logits)[target]) / Σ mask. With `denominator` (a scalar input): divided by that instead,
 * e.g. the whole batch's max(Σ mask, 1) in a shard of it (sharded-step.ts), so that the shards' losses add up.
 */
export function maskedCrossEntropy(g: Graph, logits: Value, targets: Value, mask: Value, denominator?: Value): Value {
  const [, v] = logits.shape;
  const classes = g.const([...Array(v).keys()], 'int64', [1, v]);
  const onehot = g.cast(g.equal(g.unsqueeze(targets, [1]), classes), logits.dtype);
  const nll = g.neg(g.reduceSum(g.mul(onehot, g.logSoftmax(logits, 1)), [1]));
  return g.div(g.reduceSum(g.mul(nll, mask)), denominator ?? g.max(g.reduceSum(mask), g.scalar(1, mask.dtype)));
}

/**
 * KL(N(mu, exp(logvar)) ‖ N(0, I)) summed over latent dims, averaged over the batch (rows); with `rowsTotal` (a
 * scalar input), summed over these rows and divided by that (a shard's share of the whole batch's mean).
 */
export function gaussianKl(g: Graph, mu: Value, logvar: Value, rowsTotal?: Value): Value {
  const terms = g.sub(g.add(g.mul(mu, mu), g.exp(logvar)), g.add(logvar, 1));
  const perRow = g.reduceSum(terms, [1]);
  return g.mul(rowsTotal ? g.div(g.reduceSum(perRow), rowsTotal) : g.reduceMean(perRow), 0.5);
}
