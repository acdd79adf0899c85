// Inference speed: encode molecules/s (batch 256), greedy-decode molecules/s (batch 256, from the encoded
// means) and single-molecule greedy decode latency p50/p95 (what a slider needs). Prints one JSON line.
// Usage: node --import tsx models/runtime/bench.ts [--bundle DIR] [--reference] [--threads 2] [--n 1024] [--no-pytorch]
// --bundle DIR: that bundle only. --reference: the architecture of ../shared/bench/reference-config.json with
// freshly initialized weights, measured exactly as pytorch_reference.py measures it (encode 256 molecules
// padded to pad_to; 256 greedy decodes of pad_to − 1 steps each, no early stop), then (when /usr/bin/python3
// can import torch, and unless --no-pytorch) that script in the same run, with the ratios ours/PyTorch.
// With neither: both, the bundle being resources/models/zinc250k.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../graph/rng.ts';
import { initialValues } from '../train/params.ts';
import { referenceConfigPath, runPytorchReference } from '../train/pytorch-reference.ts';
import { encodeSmiles, readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeParams } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { Vocabulary } from '../vae/tokenizer.ts';
import { VaeRuntime } from './vae-runtime.ts';
import { greedyDecode } from './decode.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string' },
    threads: { type: 'string', default: '2' },
    n: { type: 'string', default: '1024' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    reference: { type: 'boolean', default: false },
    'no-pytorch': { type: 'boolean', default: false },
  },
});
const threads = Number(a.threads);
const all = !a.bundle && !a.reference;
// The CPU may be shared (other builds and tests): record how busy it was, since every engine suffers from it.
const loadBefore = os.loadavg()[0];
const bundle = a.bundle || all ? await bundleBench(a.bundle ?? path.resolve(import.meta.dirname, '../../resources/models/zinc250k')) : null;
const reference = a.reference || all ? await referenceWithPytorch() : null;
const load = { load_average_1m: { before: loadBefore, after: os.loadavg()[0] } };
console.log(JSON.stringify(all ? { threads, bundle, reference, ...load } : { ...(bundle ?? reference), ...load }));

async function bundleBench(dir: string) {
  const b = await loadBundle(dir, { threads });
  const rt = b.runtime, L = rt.latent;
  const smiles = readSmiles(a.data!, Number(a.n));
  const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

  await rt.encode(smiles.slice(0, 256)); // warm-up
  let t = performance.now();
  const enc = await rt.encode(smiles, 256);
  const encodeSec = (performance.now() - t) / 1000;

  t = performance.now();
  let ended = 0;
  for (let s = 0; s < enc.rows.length; s += 256) {
    const rows = Math.min(256, enc.rows.length - s);
    const out = await greedyDecode(rt, enc.mu.subarray(s * L, (s + rows) * L), rows);
    ended += out.filter((d) => d.ended).length;
  }
  const decodeSec = (performance.now() - t) / 1000;

  const single: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await greedyDecode(rt, enc.mu.subarray(i * L, (i + 1) * L), 1);
    single.push(performance.now() - t0);
  }
  await rt.release();
  return {
    bundle: b.manifest.name, version: b.manifest.version, threads, molecules: enc.rows.length,
    encode_molecules_per_s: Math.round(enc.rows.length / encodeSec),
    greedy_decode_molecules_per_s: Math.round(enc.rows.length / decodeSec),
    greedy_decodes_ended: ended,
    single_decode_ms_p50: Number(pct(single, 0.5).toFixed(2)),
    single_decode_ms_p95: Number(pct(single, 0.95).toFixed(2)),
  };
}

// Ours on the reference config, then PyTorch's figures on the same config and threads, and the ratios.
async function referenceWithPytorch() {
  const ours = await referenceBench();
  if (a['no-pytorch']) return ours;
  const ref = JSON.parse(fs.readFileSync(referenceConfigPath, 'utf8'));
  let configPath = referenceConfigPath;
  if (ref.threads !== threads) {
    // pytorch_reference.py resolves the data next to itself, so a copy with other threads may live anywhere.
    configPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-infer-')), 'reference-config.json');
    fs.writeFileSync(configPath, JSON.stringify({ ...ref, threads }));
  }
  const torch = runPytorchReference(configPath);
  if (!torch) return ours;
  return {
    ...ours, pytorch: torch,
    ratio_vs_pytorch: {
      encode: ours.encode_molecules_per_s / (torch.encode_molecules_per_s as number),
      greedy_decode: ours.greedy_decode_molecules_per_s / (torch.greedy_decode_molecules_per_s as number),
    },
  };
}

async function referenceBench() {
  const refPath = referenceConfigPath;
  const ref = JSON.parse(fs.readFileSync(refPath, 'utf8'));
  const T = ref.pad_to as number, BI = ref.inference_batch as number;
  const enc0 = encodeSmiles(readSmiles(path.resolve(path.dirname(refPath), ref.data), ref.molecules), T);
  // Same token list as the reference (its three specials, then <unk> added by ours: one more row, no effect).
  const vocabulary = Vocabulary.fromJSON({ tokens: ['<pad>', '<bos>', '<eos>', '<unk>', ...enc0.vocab.slice(3)] });
  const c: VaeConfig = { vocab: vocabulary.size, embedding: ref.embedding, encoderHidden: ref.encoder.hidden, latent: ref.latent, decoderHidden: ref.decoder.hidden, propertyHidden: 8, properties: [], freeBits: 0 };
  const weights = initialValues(vaeParams(c).specs, new Rng(0));
  const rt = await VaeRuntime.create({ vocabulary, latent: c.latent, decoderHidden: c.decoderHidden, properties: [], maxLength: T, graphs: exportInferenceGraphs(c, weights) }, { threads });
  // Pad every molecule to T like the reference: the encoder then runs T steps for all.
  const seqs = enc0.sequences.slice(0, BI).map((s) => Int32Array.from({ length: T }, (_, i) => (i < s.length ? (s[i] > 2 ? s[i] + 1 : s[i]) : 0)));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const encT: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await rt.encodeIds(seqs, BI);
    encT.push((performance.now() - t0) / 1000);
  }
  const decT: number[] = [];
  const V = vocabulary.size, rng = new Rng(1);
  for (let i = 0; i < 3; i++) {
    const z = Float32Array.from(rng.normals(BI * c.latent));
    const t0 = performance.now();
    const init = await rt.initialState(z, BI);
    let h = init.h;
    let tok = new BigInt64Array(BI).fill(1n);
    for (let s = 0; s < T - 1; s++) {
      const res = await rt.step(init.zproj, tok, h, BI);
      h = res.h;
      tok = BigInt64Array.from({ length: BI }, (_, r) => {
        let best = 0;
        for (let v = 1; v < V; v++) if (res.logits[r * V + v] > res.logits[r * V + best]) best = v;
        return BigInt(best);
      });
    }
    decT.push((performance.now() - t0) / 1000);
  }
  await rt.release();
  return {
    engine: `onnxruntime-node, ${threads} threads`, config: 'reference', decode_steps: T - 1,
    encode_molecules_per_s: Math.round(BI / median(encT)), greedy_decode_molecules_per_s: Math.round(BI / median(decT)),
  };
}
