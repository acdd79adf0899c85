// The reference SMILES VAE of ../shared/bench/reference-config.json as an inference runtime model, with freshly
// initialized weights, and its greedy decode as pytorch_reference.py times it (pad_to − 1 steps for every row, no
// early stop, argmax in JS). bench.ts (against PyTorch) and ab-step-graph.ts (step graph A/B) measure the same loop.
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../graph/rng.ts';
import { initialValues } from '../train/params.ts';
import { referenceConfigPath } from '../train/pytorch-reference.ts';
import { encodeSmiles, readSmiles } from '../train/smiles-data.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeParams } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { Vocabulary } from '../vae/tokenizer.ts';
import type { RuntimeModel, VaeRuntime } from './vae-runtime.ts';

export function referenceArchitecture() {
  const ref = JSON.parse(fs.readFileSync(referenceConfigPath, 'utf8'));
  const T = ref.pad_to as number, batch = ref.inference_batch as number;
  const data = encodeSmiles(readSmiles(path.resolve(path.dirname(referenceConfigPath), ref.data), ref.molecules), T);
  // Same token list as the reference (its three specials, then <unk> added by ours: one more row, no effect).
  const vocabulary = Vocabulary.fromJSON({ tokens: ['<pad>', '<bos>', '<eos>', '<unk>', ...data.vocab.slice(3)] });
  const c: VaeConfig = { vocab: vocabulary.size, embedding: ref.embedding, encoderHidden: ref.encoder.hidden, latent: ref.latent, decoderHidden: ref.decoder.hidden, propertyHidden: 8, properties: [], freeBits: 0 };
  const model: RuntimeModel = { vocabulary, latent: c.latent, decoderHidden: c.decoderHidden, properties: [], maxLength: T, graphs: exportInferenceGraphs(c, initialValues(vaeParams(c).specs, new Rng(0))) };
  return { model, padTo: T, batch, sequences: data.sequences };
}

/**
 * Greedy decode of `rows` latent vectors for padTo − 1 steps each, no early stop; the final state, and each
 * step's tokens to onStep when given (kept out of the timed loop otherwise).
 */
export async function referenceGreedyDecode(rt: VaeRuntime, z: Float32Array, rows: number, padTo: number, onStep?: (tokens: BigInt64Array) => void): Promise<Float32Array> {
  const V = rt.vocabulary.size;
  const init = await rt.initialState(z, rows);
  let h = init.h;
  let tok = new BigInt64Array(rows).fill(1n);
  for (let s = 0; s < padTo - 1; s++) {
    const res = await rt.step(init.zproj, tok, h, rows);
    h = res.h;
    tok = BigInt64Array.from({ length: rows }, (_, r) => {
      let best = 0;
      for (let v = 1; v < V; v++) if (res.logits[r * V + v] > res.logits[r * V + best]) best = v;
      return BigInt(best);
    });
    onStep?.(tok);
  }
  return h;
}
