// npm run bench:train [-- --config FILE] [--pairs 3] [--no-pytorch]
// Trains the reference VAE of ../shared/bench/reference-config.json with the engine for warmup + timed steps on
// the same ZINC molecules and batches as pytorch_reference.py, and runs that script (when /usr/bin/python3 can
// import torch) alternately with it in the same run, A B A B … (--pairs, at least 3), so that the machine's other
// work falls on both alike. Prints one JSON line: each system's training molecules/s per run with its median and
// range, as achieved GFLOP/s and as a share of the machine's FP32 peak (models/bench/), the ratio of the medians
// (and its range over the pairs), and the load average before and after. Without PyTorch: it says so, no ratio.
import fs from 'node:fs';
import path from 'node:path';
import { tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { compileTrainStep } from './compile-step.ts';
import { initialValues } from './params.ts';
import { referenceConfigPath, runPytorchReference } from './pytorch-reference.ts';
import { referenceVaeLossGraph, referenceVaeParams } from './reference-vae.ts';
import { encodeSmiles, readSmiles } from './smiles-data.ts';
import { StepRunner, TrainState } from './train-step.ts';
import { alternate } from '../bench/alternate.ts';
import { machinePeak } from '../bench/machine.ts';
import { referenceFlops } from '../bench/reference-flops.ts';

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

const pairs = Math.max(1, Number(args[args.indexOf('--pairs') + 1]) || 3);
const machine = machinePeak();
const flopsOf = (vocab: number) => referenceFlops({ embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden, vocab, padTo: cfg.pad_to }).train;
let last: Awaited<ReturnType<typeof engine>> | null = null;
let torchLast: Record<string, unknown> | null = null;
const runs = await alternate(
  pairs,
  async () => {
    last = await engine();
    return { train_molecules_per_s: last.train_molecules_per_s };
  },
  args.includes('--no-pytorch')
    ? null
    : async () => {
        torchLast = runPytorchReference(configPath);
        return torchLast ? { train_molecules_per_s: torchLast.train_molecules_per_s as number } : null;
      },
);
const ours = last!;
const figure = (molPerS: { median: number; min: number; max: number }, vocab: number) => {
  const gflops = (molPerS.median * flopsOf(vocab)) / 1e9;
  return { ...molPerS, gflop_per_molecule: +(flopsOf(vocab) / 1e9).toFixed(3), achieved_gflops: +gflops.toFixed(1), share_of_peak: +(gflops / machine.peakGflops).toFixed(3) };
};
const line: Record<string, unknown> = {
  bench: 'train', config: path.relative(process.cwd(), configPath), pairs, order: runs.order,
  molscape: { engine: ours.engine, params: ours.params, compile_s: ours.compile_s, session_create_s: ours.session_create_s, peak_rss_mb: ours.peak_rss_mb, loss_first: ours.loss_first, loss_last: ours.loss_last, train_molecules_per_s: figure(runs.a.train_molecules_per_s, ours.vocab) },
  machine,
  load_average: { before: runs.loadBefore, after: runs.loadAfter },
};
if (runs.b) {
  const t = torchLast as unknown as Record<string, unknown>;
  line.pytorch = { engine: t.engine, params: t.params, train_molecules_per_s: figure(runs.b.train_molecules_per_s, t.vocab as number) };
  line.ratio_vs_pytorch = { median: +(runs.a.train_molecules_per_s.median / runs.b.train_molecules_per_s.median).toFixed(3), range: [+(runs.a.train_molecules_per_s.min / runs.b.train_molecules_per_s.max).toFixed(3), +(runs.a.train_molecules_per_s.max / runs.b.train_molecules_per_s.min).toFixed(3)] };
} else {
  line.pytorch = { missing: args.includes('--no-pytorch') ? 'not run (--no-pytorch)' : 'PyTorch is not installed: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread); no ratio' };
}
console.log(JSON.stringify(line));
