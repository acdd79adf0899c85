// The decoder's teacher-forced log-likelihood of a token sequence as a function of z, and its gradient with
// respect to z, as one ONNX graph: what a latent inversion climbs to find a z that decodes to a given molecule.
//   inversion.onnx (one per sequence length T and batch B, built on demand):
//     z [B, latent], tokens [T, B] int64 (<bos> … <eos>, <pad> after), mask [T, B] (1 where a token is real)
//     →  nll [B] (Σ over the predicted tokens of −log p(token | previous tokens, z)), grad [B, latent] = ∂nll/∂z,
//        misses [B] (how many of the predicted tokens are not the decoder's argmax: 0 = greedy decodes it back)
// Built by the same model functions as the train step (so the same maths as training), with the weights bound
// as constants, and differentiated by the engine's autodiff (one rule per op, each checked by finite
// differences in models/graph). Rows are independent, so the gradient of Σ_b nll_b is each row's own gradient.
import { gradients } from '../graph/autodiff.ts';
import { Graph } from '../graph/builder.ts';
import { toOnnx } from '../graph/writer.ts';
import { Params } from '../train/params.ts';
import type { Init } from '../train/params.ts';
import type { Value } from '../graph/ir.ts';
import { decoderStates, embeddingTable, initialState, outputLogits } from './model.ts';
import type { VaeConfig } from './model.ts';

class Bound extends Params {
  constructor(
    g: Graph,
    private readonly weights: ReadonlyMap<string, Float32Array>,
  ) {
    super(g, 'float32');
  }

  override add(name: string, shape: number[], _init: Init): Value {
    const w = this.weights.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!w || w.length !== size) throw new Error(`inversion graph: weight '${name}' is ${w ? `of size ${w.length}, expected ${size}` : 'missing'}`);
    return this.g.constant(w, 'float32', shape, name);
  }
}

/** withGrad false: nll only (scoring molecules), a much smaller graph. */
export function inversionGraph(c: VaeConfig, weights: ReadonlyMap<string, Float32Array>, length: number, batch: number, withGrad = true): Uint8Array {
  const g = new Graph();
  const ps = new Bound(g, weights);
  const z = g.input('z', 'float32', [batch, c.latent]);
  const tokens = g.input('tokens', 'int64', [length, batch]);
  const mask = g.input('mask', 'float32', [length, batch]);
  const table = embeddingTable(ps, c);
  const prev = g.slice(tokens, [0], [length - 1], [0]);
  const dec = decoderStates(ps, c, table, prev, z, initialState(ps, c, z));
  const logits = outputLogits(ps, c, g.reshape(dec.y, [(length - 1) * batch, c.decoderHidden]));
  const targets = g.reshape(g.slice(tokens, [1], [length], [0]), [(length - 1) * batch]);
  const m = g.reshape(g.slice(mask, [1], [length], [0]), [(length - 1) * batch]);
  const classes = g.const([...Array(c.vocab).keys()], 'int64', [1, c.vocab]);
  const onehot = g.cast(g.equal(g.unsqueeze(targets, [1]), classes), 'float32');
  const tokenNll = g.mul(g.neg(g.reduceSum(g.mul(onehot, g.logSoftmax(logits, 1)), [1])), m); // [(T-1)·B]
  const nll = g.reduceSum(g.reshape(tokenNll, [length - 1, batch]), [0]); // [B]
  g.output('nll', nll);
  // tokens the greedy decoder would not pick: where the target's logit is below the row's largest (exact: the target
  // logit is a one-hot sum, the max a reduction, both of the same floats). 0 means a greedy decode from z gives the
  // sequence back, so an inversion can stop without decoding (it confirms with one decode: near-ties).
  const targetLogit = g.reduceSum(g.mul(onehot, logits), [1]);
  const hit = g.cast(g.equal(targetLogit, g.reduceMax(logits, [1])), 'float32');
  g.output('misses', g.reduceSum(g.reshape(g.mul(g.sub(1, hit), m), [length - 1, batch]), [0]));
  if (withGrad) g.output('grad', gradients(g, g.reduceSum(nll), [z])[0]);
  return toOnnx(g, { name: 'inversion' });
}
