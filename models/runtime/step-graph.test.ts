// The decoder step with one recurrent Gemm per gate (step-graph.ts) against the step as exported, on ONNX
// Runtime: the same logits and states to the bit over a greedy run, for one row and for a batch, on one and two
// threads; and graphs without the Gemm + Split pair come back as they were.
import { describe, expect, it } from 'vitest';
import { Rng } from '../graph/rng.ts';
import { onnxTypes } from '../graph/onnx-proto.ts';
import { initialValues } from '../train/params.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeParams } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { createSession, ort } from './session.ts';
import { splitGateGemms } from './step-graph.ts';

// H not a multiple of 16, so the products have ragged tiles too
const c: VaeConfig = { vocab: 23, embedding: 16, encoderHidden: 32, latent: 12, decoderHidden: 72, propertyHidden: 8, properties: [], freeBits: 0 };
const graphs = exportInferenceGraphs(c, initialValues(vaeParams(c).specs, new Rng(3)));
const H = c.decoderHidden, V = c.vocab;

interface Node { opType: string; input: string[]; output: string[] }
const nodes = (m: Uint8Array) => (onnxTypes.model.decode(m) as unknown as { graph: { node: Node[] } }).graph.node;

/** Tokens fed back by argmax for `steps` steps; every step's logits and state. */
async function run(model: Uint8Array, threads: number, rows: number, steps: number) {
  const s = await createSession(model, { threads });
  const rng = new Rng(rows);
  const zproj = Float32Array.from(rng.normals(rows * 3 * H), (x) => x * 0.7);
  let h: Float32Array = Float32Array.from(rng.normals(rows * H), (x) => Math.tanh(x));
  let tok = BigInt64Array.from({ length: rows }, (_, r) => BigInt(1 + (r % (V - 1))));
  const seen: Float32Array[] = [];
  for (let t = 0; t < steps; t++) {
    const out = await s.run({ zproj: new ort.Tensor('float32', zproj, [rows, 3 * H]), token: new ort.Tensor('int64', tok, [rows]), h: new ort.Tensor('float32', h, [rows, H]) });
    const logits = out.logits.data as Float32Array;
    h = out.h_next.data as Float32Array;
    seen.push(logits, h);
    tok = BigInt64Array.from({ length: rows }, (_, r) => {
      let best = 0;
      for (let v = 1; v < V; v++) if (logits[r * V + v] > logits[r * V + best]) best = v;
      return BigInt(best);
    });
  }
  await s.release();
  return seen;
}

describe('splitGateGemms', () => {
  it('replaces the recurrent Gemm and its Split by one Gemm per gate', () => {
    const before = nodes(graphs.decoderStep), after = nodes(splitGateGemms(graphs.decoderStep));
    const onH = (ns: Node[]) => ns.filter((n) => n.opType === 'Gemm' && n.input[0] === 'h');
    expect(onH(before)).toHaveLength(1);
    expect(onH(after)).toHaveLength(3);
    expect(after.filter((n) => n.opType === 'Split')).toHaveLength(before.filter((n) => n.opType === 'Split').length - 1);
    // the gates' outputs are the names the Split gave them, read by the same nodes as before
    const split = before.find((n) => n.opType === 'Split' && n.input[0] === onH(before)[0].output[0])!;
    expect(onH(after).map((n) => n.output[0])).toEqual(split.output);
  });

  it.each([
    [1, 1],
    [7, 1],
    [256, 2],
  ])('gives the exported step\'s logits and states to the bit: %i rows, %i threads, 12 greedy steps', async (rows, threads) => {
    const want = await run(graphs.decoderStep, threads, rows, 12);
    const got = await run(splitGateGemms(graphs.decoderStep), threads, rows, 12);
    expect(got.length).toBe(want.length);
    got.forEach((x, i) => {
      const same = x.length === want[i].length && x.every((v, j) => Object.is(v, want[i][j]));
      expect(same, `output ${i} differs`).toBe(true);
    });
  });

  it('leaves graphs without a recurrent Gemm + Split as they are', () => {
    for (const g of [graphs.encoder, graphs.initialState, graphs.property, graphs.propertyGrad]) expect(splitGateGemms(g)).toBe(g);
    const once = splitGateGemms(graphs.decoderStep);
    expect(splitGateGemms(once)).toBe(once);
  });
});
