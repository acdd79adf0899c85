// Held-out figures of a model: the share of molecules whose greedy decode of the latent mean is the molecule
// again (RDKit canonical SMILES, as the app compares), and the share of decodes RDKit accepts. A molecule the
// model cannot encode (a token it lacks: the base model before fine-tuning) counts as not reconstructed.
import { greedyDecode } from '../../../models/runtime/decode.ts';
import { VaeRuntime } from '../../../models/runtime/vae-runtime.ts';
import { exportInferenceGraphs } from '../../../models/vae/export.ts';
import type { VaeConfig } from '../../../models/vae/model.ts';
import { Vocabulary } from '../../../models/vae/tokenizer.ts';
import type { VocabularyJson } from '../../../models/vae/tokenizer.ts';
import type { HoldoutFigures } from '../../api/contract.ts';
import { canonicalSmiles } from '../../design/canonical.ts';

export async function measureHoldout(runtime: VaeRuntime, canonical: readonly string[]): Promise<HoldoutFigures> {
  if (canonical.length === 0) return { molecules: 0, exact: 0, valid: 0 };
  const enc = await runtime.encode(canonical);
  const dec = enc.rows.length ? await greedyDecode(runtime, enc.mu, enc.rows.length) : [];
  let exact = 0, valid = 0;
  dec.forEach((d, j) => {
    const c = canonicalSmiles(d.smiles);
    if (c !== null) valid++;
    if (c !== null && c === canonical[enc.rows[j]]) exact++;
  });
  return { molecules: canonical.length, exact: exact / canonical.length, valid: dec.length ? valid / dec.length : 0 };
}

/** The same, for weights in training (the inference graphs exported from them for the measurement). */
export async function measureWeights(
  model: VaeConfig, vocabulary: VocabularyJson, maxLength: number, weights: ReadonlyMap<string, Float32Array>, canonical: readonly string[], threads = 2,
): Promise<HoldoutFigures> {
  const runtime = await VaeRuntime.create(
    { vocabulary: Vocabulary.fromJSON(vocabulary), latent: model.latent, decoderHidden: model.decoderHidden, properties: model.properties, maxLength, graphs: exportInferenceGraphs(model, weights) },
    { threads },
  );
  try {
    return await measureHoldout(runtime, canonical);
  } finally {
    await runtime.release();
  }
}
