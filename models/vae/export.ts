// Inference graphs of a trained VAE, with its weights as initializers. Built by the same functions as the train
// step (model.ts), with parameters bound to constants instead of graph inputs and ONNX's native GRU op, then
// written with the batch (and length) dimensions left free, so one file serves any batch size:
//   encoder.onnx         tokens, tokens_rev [T, B] int64, last [T, B]  →  mu, logvar [B, latent]
//   initial_state.onnx   z [B, latent]                                 →  h [B, H], zproj [B, 3H]
//   decoder_step.onnx    zproj [B, 3H], token [B] int64, h [B, H]      →  logits [B, vocab], h_next [B, H]
//   property.onnx        z [B, latent]                                 →  props [B, P] (normalized units)
//   property_grad.onnx   z [B, latent], weights [B, P]                 →  grad [B, latent] = ∂(Σ_p w_p·prop_p)/∂z
// The decoder step is the GRU cell written out (PyTorch's equations, linear_before_reset) with its input
// projection split in two: W·[embedding(token), z] + b = table[token] + zproj, where table = emb·W_eᵀ + b is
// folded into a [vocab, 3H] constant at export and zproj = z·W_zᵀ comes once per decode from initial_state.
// Per step only the recurrent GEMM and the output layer remain.
// The property gradient is written out by hand (W1ᵀ((1 − a²) ⊙ W2ᵀw) for the tanh MLP) rather than by the
// autodiff, whose reductions bake static batch shapes; property-grad tests check it against finite differences.
import { Graph } from '../graph/builder.ts';
import type { Value } from '../graph/ir.ts';
import { onnxTypes } from '../graph/onnx-proto.ts';
import { toOnnx } from '../graph/writer.ts';
import { Params } from '../train/params.ts';
import type { Init } from '../train/params.ts';
import { embeddingTable, encoder, initialState, outputLogits, propertyHead } from './model.ts';
import type { VaeConfig } from './model.ts';

/** Parameters bound to trained values: add() returns the constant instead of declaring an input. */
class BoundParams extends Params {
  constructor(
    g: Graph,
    private readonly weights: ReadonlyMap<string, Float32Array>,
  ) {
    super(g, 'float32');
  }

  override add(name: string, shape: number[], _init: Init): Value {
    const w = this.weights.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!w || w.length !== size) throw new Error(`export: weight '${name}' is ${w ? `of size ${w.length}, expected ${size}` : 'missing'}`);
    return this.g.constant(w, 'float32', shape, name);
  }
}

/** Which axes of each input and output are free, by name. */
export type FreeDims = Record<string, Record<number, string>>;

/** Re-encodes a model with the given axes of its inputs/outputs made symbolic. */
export function freeDims(model: Uint8Array, dims: FreeDims): Uint8Array {
  // Edited in place on the decoded message (no plain-object round trip of the weight bytes).
  const m = onnxTypes.model.decode(model) as unknown as { graph: { input: IoInfo[]; output: IoInfo[] } };
  for (const io of [...m.graph.input, ...m.graph.output]) {
    const free = dims[io.name];
    if (!free) continue;
    io.type.tensorType.shape.dim.forEach((d, k) => {
      if (free[k]) {
        d.dimValue = null;
        d.dimParam = free[k];
      }
    });
  }
  return onnxTypes.model.encode(m as never).finish();
}

interface IoInfo {
  name: string;
  type: { tensorType: { shape: { dim: { dimValue?: unknown; dimParam?: string }[] } } };
}

export interface InferenceGraphs {
  encoder: Uint8Array;
  initialState: Uint8Array;
  decoderStep: Uint8Array;
  property: Uint8Array;
  propertyGrad: Uint8Array;
}

export const GRAPH_FILES: Record<keyof InferenceGraphs, string> = {
  encoder: 'encoder.onnx',
  initialState: 'initial_state.onnx',
  decoderStep: 'decoder_step.onnx',
  property: 'property.onnx',
  propertyGrad: 'property_grad.onnx',
};

// Nominal sizes while building; all of them are freed afterwards. Distinct primes, so nothing can be
// confused with a real model dimension by a reader of the graph.
const T0 = 3, B0 = 2;
const B = { 0: 'batch' }, TB = { 0: 'length', 1: 'batch' };

export function exportInferenceGraphs(c: VaeConfig, weights: ReadonlyMap<string, Float32Array>): InferenceGraphs {
  const p = Math.max(1, c.properties.length);
  const graph = (name: string, build: (g: Graph, ps: Params) => void, dims: FreeDims) => {
    const g = new Graph();
    build(g, new BoundParams(g, weights));
    return freeDims(toOnnx(g, { name }), dims);
  };

  const enc = graph('encoder', (g, ps) => {
    const io = { tokens: g.input('tokens', 'int64', [T0, B0]), tokensRev: g.input('tokens_rev', 'int64', [T0, B0]), last: g.input('last', 'float32', [T0, B0]) };
    const { mu, logvar } = encoder(ps, c, embeddingTable(ps, c), io, true);
    g.output('mu', mu);
    g.output('logvar', logvar);
  }, { tokens: TB, tokens_rev: TB, last: TB, mu: B, logvar: B });

  const H = c.decoderHidden, E = c.embedding, I = E + c.latent;
  const need = (name: string, size: number) => {
    const w = weights.get(name);
    if (!w || w.length !== size) throw new Error(`export: weight '${name}' is ${w ? `of size ${w.length}, expected ${size}` : 'missing'}`);
    return w;
  };
  const W = need('dec.W', 3 * H * I), bias = need('dec.B', 6 * H), emb = need('emb.weight', c.vocab * E);
  // table[v] = W_e · emb[v] + Wb (input bias folded in).
  const table = new Float32Array(c.vocab * 3 * H);
  for (let v = 0; v < c.vocab; v++)
    for (let j = 0; j < 3 * H; j++) {
      let acc = bias[j];
      for (let e = 0; e < E; e++) acc += W[j * I + e] * emb[v * E + e];
      table[v * 3 * H + j] = acc;
    }
  const wz = new Float32Array(3 * H * c.latent);
  for (let j = 0; j < 3 * H; j++) wz.set(W.subarray(j * I + E, (j + 1) * I), j * c.latent);

  const init = graph('initial_state', (g, ps) => {
    const z = g.input('z', 'float32', [B0, c.latent]);
    g.output('h', initialState(ps, c, z));
    g.output('zproj', g.gemm(z, g.constant(wz, 'float32', [3 * H, c.latent], 'dec.W_z'), null, { transB: true }));
  }, { z: B, h: B, zproj: B });

  const step = graph('decoder_step', (g, ps) => {
    const zproj = g.input('zproj', 'float32', [B0, 3 * H]);
    const token = g.input('token', 'int64', [B0]);
    const h = g.input('h', 'float32', [B0, H]);
    const gi = g.add(g.gather(g.constant(table, 'float32', [c.vocab, 3 * H], 'dec.input_table'), token, 0), zproj);
    const R = g.constant(need('dec.R', 3 * H * H), 'float32', [3 * H, H], 'dec.R2');
    const gh = g.gemm(h, R, g.constant(bias.slice(3 * H), 'float32', [3 * H], 'dec.Rb'), { transB: true });
    const [iz, ir, inn] = g.split(gi, [H, H, H], 1);
    const [hz, hr, hn] = g.split(gh, [H, H, H], 1);
    const zt = g.sigmoid(g.add(iz, hz));
    const rt = g.sigmoid(g.add(ir, hr));
    const n = g.tanh(g.add(inn, g.mul(rt, hn)));
    const hNext = g.add(n, g.mul(zt, g.sub(h, n)));
    g.output('logits', outputLogits(ps, c, hNext));
    g.output('h_next', hNext);
  }, { zproj: B, token: B, h: B, logits: B, h_next: B });

  const prop = graph('property', (g, ps) => {
    g.output('props', propertyHead(ps, c, g.input('z', 'float32', [B0, c.latent])));
  }, { z: B, props: B });

  const grad = graph('property_grad', (g, ps) => {
    const z = g.input('z', 'float32', [B0, c.latent]);
    const w = g.input('weights', 'float32', [B0, p]);
    const w1 = ps.add('prop.hidden.weight', [c.propertyHidden, c.latent], { zeros: true });
    const b1 = ps.add('prop.hidden.bias', [c.propertyHidden], { zeros: true });
    const w2 = ps.add('prop.out.weight', [p, c.propertyHidden], { zeros: true });
    const a = g.tanh(g.gemm(z, w1, b1, { transB: true }));
    const u = g.matmul(w, w2); // [B, hidden]
    g.output('grad', g.matmul(g.mul(u, g.sub(1, g.mul(a, a))), w1));
  }, { z: B, weights: B, grad: B });

  return { encoder: enc, initialState: init, decoderStep: step, property: prop, propertyGrad: grad };
}
