// For tests: a tiny VAE trained for a few seconds on a handful of ZINC molecules, exported and loaded on ONNX
// Runtime. Small enough to build in every test file that needs a real model, trained enough that its decodes
// are not noise.
import { readSmiles } from '../train/smiles-data.ts';
import { train } from '../train/loop.ts';
import { schedule } from '../train/schedule.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeTrainModel } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { Vocabulary } from '../vae/tokenizer.ts';
import { VaeRuntime } from './vae-runtime.ts';

export const TEST_SMILES = readSmiles(new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname, 200)
  .filter((s) => s.length <= 30)
  .slice(0, 16);

export async function tinyTrainedModel(o: { epochs?: number } = {}) {
  const { vocabulary } = Vocabulary.fromSmiles(TEST_SMILES);
  const examples = TEST_SMILES.map((s, i) => {
    const e = vocabulary.encode(s);
    if (!e.ok) throw new Error(e.problem.message);
    return { ids: e.ids, props: Float32Array.from([s.length / 10 - 2, (i % 3) - 1]) };
  });
  const config: VaeConfig = { vocab: vocabulary.size, embedding: 16, encoderHidden: 32, latent: 8, decoderHidden: 64, propertyHidden: 16, properties: ['len', 'mod3'], freeBits: 0 };
  const res = await train(vaeTrainModel(config, { klWeight: () => 0.001, propWeight: 1 }), {
    data: () => examples, batchSize: 16, epochs: o.epochs ?? 150, buckets: [40], lr: schedule({ base: 0.01 }), optimizer: { type: 'adam', clipNorm: 5 }, seed: 7, threads: 1,
  });
  const weights = res.state.snapshot().params;
  const graphs = exportInferenceGraphs(config, weights);
  const runtime = await VaeRuntime.create({ vocabulary, latent: config.latent, decoderHidden: config.decoderHidden, properties: config.properties, maxLength: 40, graphs });
  return { vocabulary, config, weights, graphs, runtime, examples };
}
