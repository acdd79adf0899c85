// npm run bench:train [-- --config FILE] [--no-pytorch]
// Trains the reference VAE of ../shared/bench/reference-config.json with the engine for warmup + timed steps on
// the same ZINC molecules and batches as pytorch_reference.py, then (when /usr/bin/python3 can import torch)
// runs that script in the same run, and prints one JSON line: train_molecules_per_s, train_step_s_median,
// compile_s, session_create_s, peak_rss_mb, and PyTorch's figures with the ratio.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { compileTrainStep } from './compile-step.ts';
import { initialValues } from './params.ts';
import { referenceConfigPath, runPytorchReference } from './pytorch-reference.ts';
import { referenceVaeLossGraph, referenceVaeParams } from './reference-vae.ts';
import { encodeSmiles, readSmiles } from './smiles-data.ts';
import { StepRunner, TrainState } from './train-step.ts';

interface BenchConfig {
  data: string;
  molecules: number;
  embedding: number;
  encoder: { hidden: number };
  latent: number;
  decoder: { hidden: number };
  optimizer: { lr: number };
  batch: number;
  pad_to: number;
  threads: number;
  timed_steps: number;
  warmup_steps: number;
}

const args = process.argv.slice(2);
const at = args.indexOf('--config');
const configPath = path.resolve(at >= 0 ? args[at + 1] : referenceConfigPath);
const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8')) as BenchConfig;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function engine() {
  const smiles = readSmiles(path.resolve(path.dirname(configPath), cfg.data), cfg.molecules);
  const { vocab, sequences } = encodeSmiles(smiles, cfg.pad_to);
  const dims = { vocab: vocab.length, embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden };
  const B = cfg.batch, T = cfg.pad_to;
  const t0 = performance.now();
  const compiled = compileTrainStep(referenceVaeLossGraph(dims, B, T), { type: 'adam' });
  const t1 = performance.now();
  const runner = await StepRunner.create(compiled, cfg.threads);
  const t2 = performance.now();
  const ps = referenceVaeParams(dims);
  const rng = new Rng(0);
  const state = TrainState.fromWeights(initialValues(ps.specs, rng), new Map(ps.specs.map((s) => [s.name, s.shape])));
  const times: number[] = [], losses: number[] = [];
  for (let s = 0; s < cfg.warmup_steps + cfg.timed_steps; s++) {
    const lo = (s * B) % (sequences.length - B);
    const a = performance.now();
    const tokens = new BigInt64Array(T * B), mask = new Float32Array(T * B);
    for (let j = 0; j < B; j++) {
      const e = sequences[lo + j];
      for (let t = 0; t < e.length; t++) {
        tokens[t * B + j] = BigInt(e[t]);
        mask[t * B + j] = 1;
      }
    }
    const res = await runner.run(state, {
      tokens: tensor('int64', tokens, [T, B]),
      mask: tensor('float32', mask, [T, B]),
      eps: tensor('float32', Float32Array.from(rng.normals(B * dims.latent)), [B, dims.latent]),
      kl_weight: tensor('float32', [0.1], []),
    }, cfg.optimizer.lr);
    if (s >= cfg.warmup_steps) times.push((performance.now() - a) / 1000);
    losses.push(res.loss);
  }
  await runner.release();
  const step = median(times);
  return {
    engine: `molscape models/graph + onnxruntime-node cpu, ${cfg.threads} threads`,
    vocab: vocab.length,
    params: ps.count,
    train_nodes: compiled.nodeCount,
    compile_s: (t1 - t0) / 1000,
    session_create_s: (t2 - t1) / 1000,
    train_step_s_median: step,
    train_step_s_min: Math.min(...times),
    train_molecules_per_s: B / step,
    loss_first: losses[0],
    loss_last: losses[losses.length - 1],
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
}

function pytorch(): Record<string, unknown> | null {
  return args.includes('--no-pytorch') ? null : runPytorchReference(configPath);
}

// The CPU may be shared (other builds and tests): record how busy it was, since both engines suffer from it.
const loadBefore = os.loadavg()[0];
const ours = await engine();
const torch = pytorch();
const line: Record<string, unknown> = { ...ours, load_average_1m: { before: loadBefore, after: os.loadavg()[0] } };
if (torch) {
  line.pytorch = torch;
  line.ratio_vs_pytorch = ours.train_molecules_per_s / (torch.train_molecules_per_s as number);
}
console.log(JSON.stringify(line));
