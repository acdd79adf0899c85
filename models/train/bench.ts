// npm run bench:train [-- --config FILE] [--pairs 3] [--no-pytorch] [--buckets 32,40,48,56,64,80] [--one-session]
// Trains the reference VAE of ../shared/bench/reference-config.json with the engine for warmup + timed steps on
// the same ZINC molecules and batches as pytorch_reference.py, and runs that script (when /usr/bin/python3 can
// import torch) alternately with it in the same run, A B A B … (--pairs, at least 3), so that the machine's other
// work falls on both alike. Prints one JSON line: each system's training molecules/s per run with its median and
// range, as achieved GFLOP/s and as a share of the machine's FP32 peak (models/bench/), the ratio of the medians
// (and its range over the pairs), and the load average before and after. Without PyTorch: it says so, no ratio.
// --buckets: also, in each A turn right after the padded figure, the same 4,096 molecules trained as `molscape
// train` trains them (models/train/batching.ts): each in the smallest bucket that holds it, a batch padded to its
// bucket's length, one compiled step per bucket length; one whole epoch (every batch of planEpoch, seed 0) timed
// after each bucket's step has run once. That is less work per molecule than PyTorch's script does (it pads every
// batch to pad_to), so it is printed apart, with its own FLOPs per molecule (the reference count at each batch's
// length) and its ratio labelled as such; the padded figure stays the like-for-like one.
// The step runs as `molscape train` runs a loss linear in the rows, as this one is: the batch split by rows over
// `threads` threads (sharded-step.ts); --one-session: one session of `threads` threads, as before that (and as
// `molscape train` still runs a loss with free bits, the app's VAE).
import fs from 'node:fs';
import path from 'node:path';
import { tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { planEpoch } from './batching.ts';
import { compileTrainStep } from './compile-step.ts';
import { initialValues } from './params.ts';
import { referenceConfigPath, runPytorchReference } from './pytorch-reference.ts';
import { referenceVaeLossGraph, referenceVaeParams, referenceVaeShardedLoss } from './reference-vae.ts';
import type { VaeDims } from './reference-vae.ts';
import type { CompiledStep } from './compile-step.ts';
import type { Step } from './loop.ts';
import { ShardedStepRunner } from './sharded-step.ts';
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
const oneSession = args.includes('--one-session');
const at = args.indexOf('--config');
const configPath = path.resolve(at >= 0 ? args[at + 1] : referenceConfigPath);
const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8')) as BenchConfig;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One train step's inputs: the molecules at `indices`, padded to T (time-major, as the loss graph takes them), fresh eps. */
function batchFeeds(sequences: readonly ArrayLike<number>[], indices: readonly number[], T: number, latent: number, rng: Rng) {
  const B = indices.length;
  const tokens = new BigInt64Array(T * B), mask = new Float32Array(T * B);
  indices.forEach((i, j) => {
    const e = sequences[i];
    for (let t = 0; t < e.length; t++) {
      tokens[t * B + j] = BigInt(e[t]);
      mask[t * B + j] = 1;
    }
  });
  return {
    tokens: tensor('int64', tokens, [T, B]),
    mask: tensor('float32', mask, [T, B]),
    eps: tensor('float32', Float32Array.from(rng.normals(B * latent)), [B, latent]),
    kl_weight: tensor('float32', [0.1], []),
  };
}

/**
 * The step as `molscape train` runs this model (its loss is linear in the rows): the batch split by rows over
 * cfg.threads threads with one-thread sessions (sharded-step.ts); --one-session: one session of cfg.threads threads.
 */
async function makeRunner(dims: VaeDims, B: number, T: number, compiled?: CompiledStep): Promise<Step> {
  if (oneSession || cfg.threads < 2) return StepRunner.create(compiled ?? compileTrainStep(referenceVaeLossGraph(dims, B, T), { type: 'adam' }), cfg.threads);
  return ShardedStepRunner.create(referenceVaeShardedLoss(dims), referenceVaeParams(dims).specs, B, T, { type: 'adam' }, cfg.threads, cfg.threads);
}

async function engine() {
  const smiles = readSmiles(path.resolve(path.dirname(configPath), cfg.data), cfg.molecules);
  const { vocab, sequences } = encodeSmiles(smiles, cfg.pad_to);
  const dims = { vocab: vocab.length, embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden };
  const B = cfg.batch, T = cfg.pad_to;
  const t0 = performance.now();
  const compiled = compileTrainStep(referenceVaeLossGraph(dims, B, T), { type: 'adam' });
  const t1 = performance.now();
  const runner = await makeRunner(dims, B, T, compiled);
  const t2 = performance.now();
  const ps = referenceVaeParams(dims);
  const rng = new Rng(0);
  const state = TrainState.fromWeights(initialValues(ps.specs, rng), new Map(ps.specs.map((s) => [s.name, s.shape])));
  const times: number[] = [], losses: number[] = [];
  for (let s = 0; s < cfg.warmup_steps + cfg.timed_steps; s++) {
    const lo = (s * B) % (sequences.length - B);
    const a = performance.now();
    const res = await runner.run(state, batchFeeds(sequences, Array.from({ length: B }, (_, j) => lo + j), T, dims.latent, rng), cfg.optimizer.lr);
    if (s >= cfg.warmup_steps) times.push((performance.now() - a) / 1000);
    losses.push(res.loss);
  }
  await runner.release();
  const step = median(times);
  return {
    engine: `molscape models/graph + onnxruntime-node cpu, ${cfg.threads} threads${oneSession || cfg.threads < 2 ? ' (one session)' : ' (the batch split by rows over one-thread sessions in threads of their own)'}`,
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

/** The reference VAE trained over one epoch of length-bucketed batches, as the app's trainer batches them. */
async function bucketedEngine(buckets: number[]) {
  const smiles = readSmiles(path.resolve(path.dirname(configPath), cfg.data), cfg.molecules);
  const { vocab, sequences } = encodeSmiles(smiles, cfg.pad_to);
  const dims = { vocab: vocab.length, embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden };
  const B = cfg.batch;
  const { batches } = planEpoch(sequences.map((e) => e.length), buckets, B, 0);
  const runners = new Map<number, Step>();
  for (const T of new Set(batches.map((b) => b.length))) runners.set(T, await makeRunner(dims, B, T));
  const ps = referenceVaeParams(dims);
  const rng = new Rng(0);
  const state = TrainState.fromWeights(initialValues(ps.specs, rng), new Map(ps.specs.map((s) => [s.name, s.shape])));
  const step = (b: (typeof batches)[number]) => runners.get(b.length)!.run(state, batchFeeds(sequences, b.indices, b.length, dims.latent, rng), cfg.optimizer.lr);
  // every bucket's step once (its session's first run allocates), then the whole epoch timed
  for (const T of runners.keys()) await step(batches.find((b) => b.length === T)!);
  const t0 = performance.now();
  for (const b of batches) await step(b);
  const seconds = (performance.now() - t0) / 1000;
  for (const r of runners.values()) await r.release();
  const flops = batches.reduce((f, b) => f + referenceFlops({ embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden, vocab: vocab.length, padTo: b.length }).train, 0) / batches.length;
  const lengths = batches.map((b) => b.length);
  return { molecules_per_s: (batches.length * B) / seconds, gflop_per_molecule: flops / 1e9, batches: batches.length, mean_padded_length: lengths.reduce((x, y) => x + y, 0) / lengths.length };
}

const pairs = Math.max(1, Number(args[args.indexOf('--pairs') + 1]) || 3);
const bucketArg = args.indexOf('--buckets');
const buckets = bucketArg >= 0 ? args[bucketArg + 1].split(',').map(Number) : null;
if (buckets && buckets.some((b) => !Number.isInteger(b) || b < 2 || b > cfg.pad_to)) throw new Error(`bench:train: --buckets wants whole lengths from 2 to pad_to (${cfg.pad_to}), got ${args[bucketArg + 1]}`);
let bucketedLast: Awaited<ReturnType<typeof bucketedEngine>> | null = null;
const machine = machinePeak();
const flopsOf = (vocab: number) => referenceFlops({ embedding: cfg.embedding, encoderHidden: cfg.encoder.hidden, latent: cfg.latent, decoderHidden: cfg.decoder.hidden, vocab, padTo: cfg.pad_to }).train;
let last: Awaited<ReturnType<typeof engine>> | null = null;
let torchLast: Record<string, unknown> | null = null;
const runs = await alternate(
  pairs,
  async (): Promise<Record<string, number>> => {
    last = await engine();
    if (!buckets) return { train_molecules_per_s: last.train_molecules_per_s };
    bucketedLast = await bucketedEngine(buckets);
    return { train_molecules_per_s: last.train_molecules_per_s, bucketed_molecules_per_s: bucketedLast.molecules_per_s };
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
if (buckets) {
  const bl = bucketedLast! as Awaited<ReturnType<typeof bucketedEngine>>;
  const m = runs.a.bucketed_molecules_per_s;
  const gflops = m.median * bl.gflop_per_molecule;
  line.molscape_length_buckets = {
    what: 'the same molecules, each batch padded to its length bucket as molscape train does (less work per molecule than padding to pad_to); one epoch a run',
    buckets, batches: bl.batches, mean_padded_length: +bl.mean_padded_length.toFixed(1),
    train_molecules_per_s: { ...m, gflop_per_molecule: +bl.gflop_per_molecule.toFixed(3), achieved_gflops: +gflops.toFixed(1), share_of_peak: +(gflops / machine.peakGflops).toFixed(3) },
  };
}
if (runs.b) {
  const t = torchLast as unknown as Record<string, unknown>;
  line.pytorch = { engine: t.engine, params: t.params, train_molecules_per_s: figure(runs.b.train_molecules_per_s, t.vocab as number) };
  if (buckets) {
    const a = runs.a.bucketed_molecules_per_s, b = runs.b.train_molecules_per_s;
    line.ratio_length_buckets_vs_pytorch_padded = { median: +(a.median / b.median).toFixed(3), range: [+(a.min / b.max).toFixed(3), +(a.max / b.min).toFixed(3)] };
  }
  line.ratio_vs_pytorch = { median: +(runs.a.train_molecules_per_s.median / runs.b.train_molecules_per_s.median).toFixed(3), range: [+(runs.a.train_molecules_per_s.min / runs.b.train_molecules_per_s.max).toFixed(3), +(runs.a.train_molecules_per_s.max / runs.b.train_molecules_per_s.min).toFixed(3)] };
} else {
  line.pytorch = { missing: args.includes('--no-pytorch') ? 'not run (--no-pytorch)' : 'PyTorch is not installed: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread); no ratio' };
}
console.log(JSON.stringify(line));
