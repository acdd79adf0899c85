// Inference speed: encode molecules/s (batch 256), greedy-decode molecules/s (batch 256, from the encoded
// means) and single-molecule greedy decode latency p50/p95 over --single points (default 300; what a slider
// needs). Prints one JSON line.
// Usage: node --import tsx models/runtime/bench.ts [--bundle DIR] [--reference] [--threads 2] [--n 1024] [--pairs 3] [--no-pytorch] [--single 300] [--no-pool]
// --bundle DIR: that bundle only. --reference: the architecture of ../shared/bench/reference-config.json with
// freshly initialized weights, measured exactly as pytorch_reference.py measures it (encode 256 molecules
// padded to pad_to; 256 greedy decodes of pad_to − 1 steps each, no early stop), then (when /usr/bin/python3
// can import torch, and unless --no-pytorch) that script alternately with ours in the same run (A B A B …), with
// medians, ranges, GFLOP/s, the share of the FP32 peak and the ratios ours/PyTorch.
// With neither: both, the bundle being resources/models/zinc-chembl (the app's default model, DEFAULT_MODEL_NAME).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../graph/rng.ts';
import { referenceConfigPath, runPytorchReference } from '../train/pytorch-reference.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { VaeRuntime } from './vae-runtime.ts';
import { DecodePool } from './decode-pool.ts';
import { greedyDecode } from './decode.ts';
import { referenceArchitecture, referenceGreedyDecode } from './reference-architecture.ts';
import { alternate } from '../bench/alternate.ts';
import type { Summary } from '../bench/alternate.ts';
import { machinePeak } from '../bench/machine.ts';
import { referenceFlops } from '../bench/reference-flops.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string' },
    threads: { type: 'string', default: '2' },
    n: { type: 'string', default: '1024' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    reference: { type: 'boolean', default: false },
    'no-pytorch': { type: 'boolean', default: false },
    pairs: { type: 'string', default: '3' },
    single: { type: 'string', default: '300' },
    'no-pool': { type: 'boolean', default: false },
  },
});
const threads = Number(a.threads);
const all = !a.bundle && !a.reference;
// The CPU may be shared (other builds and tests): record how busy it was, since every engine suffers from it.
const loadBefore = os.loadavg()[0];
const bundle = a.bundle || all ? await bundleBench(a.bundle ?? path.resolve(import.meta.dirname, '../../resources/models/zinc-chembl')) : null;
const reference = a.reference || all ? await referenceWithPytorch() : null;
const load = { load_average_1m: { before: loadBefore, after: os.loadavg()[0] } };
console.log(JSON.stringify(all ? { threads, bundle, reference, ...load } : { ...(bundle ?? reference), ...load }));

async function bundleBench(dir: string) {
  const b = await loadBundle(dir, { threads });
  const rt = b.runtime, L = rt.latent;
  const smiles = readSmiles(a.data!, Number(a.n));
  const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

  // encodes and batches of 256 decodes as the app runs them (ModelService): in a DecodePool (decode-pool.ts)
  // unless --no-pool
  const pool = a['no-pool'] ? null : await DecodePool.open(rt.model, { threads });
  // SMILES to mu as ModelService.encode does it (the tokenizing timed too)
  const encode = (xs: readonly string[]) => (pool ? rt.encode(xs, 256, (seqs, b) => pool.encode(seqs, b)) : rt.encode(xs, 256));
  await encode(smiles.slice(0, 256)); // warm-up
  let t = performance.now();
  const enc = await encode(smiles);
  const encodeSec = (performance.now() - t) / 1000;

  if (pool) await pool.greedy(enc.mu.subarray(0, 256 * L), Math.min(256, enc.rows.length)); // warm-up
  t = performance.now();
  let ended = 0;
  for (let s = 0; s < enc.rows.length; s += 256) {
    const rows = Math.min(256, enc.rows.length - s);
    const z = enc.mu.subarray(s * L, (s + rows) * L);
    const out = pool ? await pool.greedy(z, rows) : await greedyDecode(rt, z, rows);
    ended += out.filter((d) => d.ended).length;
  }
  const decodeSec = (performance.now() - t) / 1000;
  await pool?.close();

  // new position -> decoded SMILES for one latent point (batch 1, greedy), a few hundred points: what a slider needs
  const single: number[] = [];
  await greedyDecode(rt, enc.mu.subarray(0, L), 1); // warm-up: the one-thread small-step session's first run
  for (let i = 0; i < Math.min(Number(a.single), enc.rows.length); i++) {
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
    single_decode_points: single.length,
    single_decode_ms_p50: Number(pct(single, 0.5).toFixed(2)),
    single_decode_ms_p95: Number(pct(single, 0.95).toFixed(2)),
  };
}

// Ours on the reference config and pytorch_reference.py on the same config and threads, alternately (A B A B …,
// --pairs at least 3), each figure's median and range, as GFLOP/s and a share of the machine's FP32 peak, and the
// ratios of the medians. Without PyTorch: it says so, and gives no ratio.
async function referenceWithPytorch() {
  const ref = JSON.parse(fs.readFileSync(referenceConfigPath, 'utf8'));
  let configPath = referenceConfigPath;
  if (ref.threads !== threads) {
    // pytorch_reference.py resolves the data next to itself, so a copy with other threads may live anywhere.
    configPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-infer-')), 'reference-config.json');
    fs.writeFileSync(configPath, JSON.stringify({ ...ref, threads }));
  }
  let vocab = 0, torchVocab = 0, torchEngine = '';
  const runs = await alternate(
    Number(a.pairs),
    async () => {
      const r = await referenceBench();
      vocab = r.vocab;
      return { encode_molecules_per_s: r.encode_molecules_per_s, greedy_decode_molecules_per_s: r.greedy_decode_molecules_per_s };
    },
    a['no-pytorch']
      ? null
      : async () => {
          const t = runPytorchReference(configPath);
          if (!t) return null;
          torchVocab = t.vocab as number;
          torchEngine = t.engine as string;
          return { encode_molecules_per_s: t.encode_molecules_per_s as number, greedy_decode_molecules_per_s: t.greedy_decode_molecules_per_s as number };
        },
  );
  const machine = machinePeak();
  const flops = (v: number) => referenceFlops({ embedding: ref.embedding, encoderHidden: ref.encoder.hidden, latent: ref.latent, decoderHidden: ref.decoder.hidden, vocab: v, padTo: ref.pad_to });
  const figures = (r: Record<string, Summary>, v: number) => {
    const f = flops(v);
    const one = (s: Summary, perMolecule: number) => ({ ...s, gflop_per_molecule: +(perMolecule / 1e9).toFixed(4), achieved_gflops: +((s.median * perMolecule) / 1e9).toFixed(1), share_of_peak: +((s.median * perMolecule) / 1e9 / machine.peakGflops).toFixed(3) });
    return { encode_molecules_per_s: one(r.encode_molecules_per_s, f.encode), greedy_decode_molecules_per_s: one(r.greedy_decode_molecules_per_s, f.decodeGreedy) };
  };
  const out: Record<string, unknown> = {
    config: 'reference', decode_steps: ref.pad_to - 1, pairs: Number(a.pairs), order: runs.order,
    molscape: { engine: `onnxruntime-node, ${threads} threads${a["no-pool"] ? "" : ` (encode and decode: ${threads} one-thread sessions in threads of their own)`}`, ...figures(runs.a, vocab) }, machine,
    load_average: { before: runs.loadBefore, after: runs.loadAfter },
  };
  if (runs.b) {
    const ratio = (k: string) => ({ median: +(runs.a[k].median / runs.b![k].median).toFixed(3), range: [+(runs.a[k].min / runs.b![k].max).toFixed(3), +(runs.a[k].max / runs.b![k].min).toFixed(3)] });
    out.pytorch = { engine: torchEngine, ...figures(runs.b, torchVocab) };
    out.ratio_vs_pytorch = { encode: ratio('encode_molecules_per_s'), greedy_decode: ratio('greedy_decode_molecules_per_s') };
  } else {
    out.pytorch = { missing: a['no-pytorch'] ? 'not run (--no-pytorch)' : 'PyTorch is not installed: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread); no ratio' };
  }
  return out;
}

async function referenceBench() {
  const { model, padTo: T, batch: BI, sequences } = referenceArchitecture();
  const rt = await VaeRuntime.create(model, { threads });
  // Pad every molecule to T like the reference: the encoder then runs T steps for all.
  const seqs = sequences.slice(0, BI).map((s) => Int32Array.from({ length: T }, (_, i) => (i < s.length ? (s[i] > 2 ? s[i] + 1 : s[i]) : 0)));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  // One untimed encode and decode first: a fresh runtime's first runs grow ORT's memory arena (the first
  // decode of a process ran at ~0.7 of the later ones). pytorch_reference.py times its encodes and decodes
  // after ten training steps of the same model in the same process, which warm its allocator the same way.
  // Encodes and decodes of this size go to a DecodePool in the app (ModelService: the rows split over one-thread
  // sessions in threads of their own, decode-pool.ts); --no-pool measures one session of `threads` threads instead.
  const pool = a['no-pool'] ? null : await DecodePool.open(model, { threads });
  const decode = (z: Float32Array) => (pool ? pool.reference(z, BI, T) : referenceGreedyDecode(rt, z, BI, T));
  const encode = () => (pool ? pool.encode(seqs, BI) : rt.encodeIds(seqs, BI));
  await encode();
  await decode(Float32Array.from(new Rng(2).normals(BI * model.latent)));
  const encT: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await encode();
    encT.push((performance.now() - t0) / 1000);
  }
  const decT: number[] = [];
  const rng = new Rng(1);
  for (let i = 0; i < 3; i++) {
    const z = Float32Array.from(rng.normals(BI * model.latent));
    const t0 = performance.now();
    await decode(z);
    decT.push((performance.now() - t0) / 1000);
  }
  await rt.release();
  await pool?.close();
  return {
    vocab: model.vocabulary.size,
    encode_molecules_per_s: Math.round(BI / median(encT)), greedy_decode_molecules_per_s: Math.round(BI / median(decT)),
  };
}
