// The VAE training driver: data from a SMILES file (optional property table), vocabulary and property
// normalization from the training set, length-bucketed batches, the engine's training loop run in chunks of
// `chunkSteps` steps with a validation pass and a curve point after each, checkpoints in one folder, resume,
// a time budget and cancellation (both stop at a step boundary with a checkpoint).
// Folder layout: run.json (everything fixed at the start: configuration, vocabulary, normalization, data
// summary), checkpoint.bin (weights, Adam moments, counters, RNG), curves.jsonl (one line per chunk).
import fs from 'node:fs';
import path from 'node:path';
import { Graph } from '../graph/builder.ts';
import { createSession } from '../graph/ort.ts';
import type { ort } from '../graph/ort.ts';
import { toOnnx } from '../graph/writer.ts';
import { Rng } from '../graph/rng.ts';
import { readCheckpoint, writeCheckpoint } from '../train/checkpoint.ts';
import { train } from '../train/loop.ts';
import { Params } from '../train/params.ts';
import { schedule } from '../train/schedule.ts';
import type { ScheduleConfig } from '../train/schedule.ts';
import type { TrainState } from '../train/train-step.ts';
import { buildExamples, normalizationOf, readPropertyTable, readSmilesFile, sha256File } from './data.ts';
import type { Normalization } from './data.ts';
import { batchFeeds, klAnnealing, vaeLoss, vaeTrainModel, type KlSchedule } from './model.ts';
import type { VaeConfig, VaeExample } from './model.ts';
import { SPECIALS, Vocabulary } from './tokenizer.ts';
import { extendVocabulary, readBundleWeights } from './warm-start.ts';
import type { AddedToken } from './warm-start.ts';
import type { VocabularyJson } from './tokenizer.ts';

export interface VaeTrainConfig {
  /** Training SMILES (.smi or .smi.gz, first column). */
  data: string;
  /** Validation SMILES. */
  valid?: string;
  /** Property table (CSV/TSV, header, SMILES first). */
  properties?: string;
  /** Sizes of the network (vocabulary and property list come from the data). */
  model: Omit<VaeConfig, 'vocab' | 'properties'>;
  batchSize: number;
  buckets: number[];
  epochs: number;
  lr: ScheduleConfig;
  kl: KlSchedule;
  propWeight: number;
  clipNorm: number;
  seed: number;
  threads?: number;
  /** Steps between validation passes / curve points / checkpoints. */
  chunkSteps: number;
  /** Use only the first N training molecules (quick runs and tests). */
  limit?: number;
  /** Validation molecules used per pass. */
  validLimit?: number;
  /** Fine-tune: start from this model bundle's weights (vocabulary extended with the data's new tokens). */
  from?: string;
  /**
   * Mix the base model's own training data into every epoch so it does not forget: `share` of each epoch's
   * molecules are drawn (seeded, per epoch) from `file`.
   */
  replay?: { file: string; share: number };
}

/** What a fine-tuned run started from (run.json; the bundle's manifest.base). */
export interface RunBase {
  name: string;
  dir: string;
  sha256: string;
  addedTokens: AddedToken[];
  decoderInput: { source: 'file' | 'solved'; maxError: number };
}

export interface RunInfo {
  config: VaeTrainConfig;
  model: VaeConfig;
  vocabulary: VocabularyJson;
  normalization: Normalization | null;
  data: { file: string; sha256: string; molecules: number; used: number; problems: number; firstProblems: string[] };
  startedAt: string;
  base?: RunBase;
}

export interface CurvePoint {
  step: number;
  epoch: number;
  seconds: number;
  train: Record<string, number>;
  valid?: Record<string, number>;
  lr: number;
  klWeight: number;
  /** What the caller's evaluate() measured at this point (e.g. held-out reconstruction) */
  holdout?: Record<string, number> | null;
}

export interface TrainVaeOptions {
  signal?: AbortSignal;
  /** Stop (resumably) after this many seconds of this call. */
  timeBudgetSeconds?: number;
  onProgress?: (p: { step: number; epoch: number; batchInEpoch: number; batchesInEpoch: number; losses: Record<string, number>; moleculesPerSec: number; etaSeconds: number }) => void;
  onCurve?: (c: CurvePoint) => void;
  /** Stop after this many steps in total (tests). */
  maxSteps?: number;
  /** Keep the weights with the lowest validation loss as best.bin (runFiles(dir).best) */
  keepBest?: boolean;
  /** Measures the weights after each chunk (e.g. held-out reconstruction with RDKit); kept in the curve point. */
  evaluate?: (run: RunInfo, weights: Map<string, Float32Array>) => Promise<Record<string, number> | null>;
}

export interface TrainVaeResult {
  status: 'done' | 'cancelled' | 'paused';
  step: number;
  run: RunInfo;
  weights: Map<string, Float32Array>;
  curves: CurvePoint[];
}

export const runFiles = (dir: string) => ({
  run: path.join(dir, 'run.json'),
  checkpoint: path.join(dir, 'checkpoint.bin'),
  curves: path.join(dir, 'curves.jsonl'),
  /** the weights with the lowest validation loss so far (keepBest), and which step they are */
  best: path.join(dir, 'best.bin'),
  bestInfo: path.join(dir, 'best.json'),
});

/** The best checkpoint's step and validation loss, when the run keeps one. */
export function readBest(dir: string): { step: number; validCe: number } | null {
  const f = runFiles(dir).bestInfo;
  if (!fs.existsSync(f) || !fs.existsSync(runFiles(dir).best)) return null;
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8')) as { step: number; validCe: number };
  } catch {
    return null;
  }
}

export function readCurves(dir: string): CurvePoint[] {
  const f = runFiles(dir).curves;
  if (!fs.existsSync(f)) return [];
  const byStep = new Map<number, CurvePoint>();
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) if (line.trim()) {
    const c = JSON.parse(line) as CurvePoint;
    byStep.set(c.step, c); // a point written twice (crash between checkpoint and append) counts once
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

async function startRun(cfg: VaeTrainConfig, checkpointFile: string): Promise<RunInfo> {
  const data = readSmilesFile(cfg.data, cfg.limit);
  const fresh = Vocabulary.fromSmiles(data.smiles);
  const problems = fresh.problems;
  let vocabulary = fresh.vocabulary;
  let model: VaeConfig, normalization: Normalization | null, base: RunBase | undefined;
  if (cfg.from) {
    // fine-tuning: the base model's sizes, vocabulary (extended with the data's new tokens) and property units
    const b = readBundleWeights(cfg.from);
    const ext = extendVocabulary(b, vocabulary.tokens.slice(SPECIALS.length));
    vocabulary = ext.vocabulary;
    model = ext.config;
    normalization = b.normalization;
    // the digest of the manifest that was verified, not of a second read that could find another file there
    base = { name: b.manifest.name, dir: cfg.from, sha256: b.manifestSha256, addedTokens: ext.added, decoderInput: b.decoderInput };
    // step 0 of the run is the base model: fresh optimizer moments, the run's own random stream
    const zeros = (w: Map<string, Float32Array>) => new Map([...w].map(([k, v]) => [k, new Float32Array(v.length)]));
    writeCheckpoint(checkpointFile, { step: 0, updates: 0, epoch: 0, batchInEpoch: 0, lrScale: 1, rng: new Rng(cfg.seed + 1).state, params: ext.weights, m: zeros(ext.weights), v: zeros(ext.weights) });
  } else {
    const table = cfg.properties ? readPropertyTable(cfg.properties) : null;
    normalization = table ? normalizationOf(table, data.smiles) : null;
    model = { ...cfg.model, vocab: vocabulary.size, properties: normalization?.names ?? [] };
  }
  return {
    base,
    config: cfg, model, vocabulary: vocabulary.toJSON(), normalization,
    data: {
      file: path.basename(cfg.data), sha256: sha256File(cfg.data), molecules: data.smiles.length,
      used: data.smiles.length - problems.length, problems: problems.length,
      firstProblems: problems.slice(0, 20).map((p) => `line ${data.lines[p.index ?? 0]}: ${p.message}`),
    },
    startedAt: new Date().toISOString(),
  };
}

/** Forward-only loss graphs (eps = 0: the loss at the mean) for validation, one per bucket length. */
class Validator {
  private sessions = new Map<number, ort.InferenceSession>();

  constructor(
    private readonly c: VaeConfig,
    private readonly batchSize: number,
    private readonly threads: number,
  ) {}

  private async session(length: number) {
    let s = this.sessions.get(length);
    if (!s) {
      const g = new Graph();
      const b = this.batchSize, p = Math.max(1, this.c.properties.length);
      const ps = new Params(g);
      const io = {
        tokens: g.input('tokens', 'int64', [length, b]), tokensRev: g.input('tokens_rev', 'int64', [length, b]),
        last: g.input('last', 'float32', [length, b]), mask: g.input('mask', 'float32', [length, b]),
        eps: g.input('eps', 'float32', [b, this.c.latent]), props: g.input('props', 'float32', [b, p]),
        propsMask: g.input('props_mask', 'float32', [b, p]), klWeight: g.input('kl_weight', 'float32', []),
        propWeight: g.input('prop_weight', 'float32', []),
      };
      const l = vaeLoss(ps, this.c, io);
      g.output('ce', l.ce);
      g.output('kl', l.kl);
      g.output('prop', l.prop);
      s = await createSession(toOnnx(g, { name: 'validate' }), { threads: this.threads });
      this.sessions.set(length, s);
    }
    return s;
  }

  /** Mean ce, kl, prop over the examples (in fixed order, so points compare across the run). */
  async run(weights: Map<string, ort.Tensor>, examples: readonly VaeExample[], buckets: readonly number[]): Promise<Record<string, number>> {
    const groups = new Map<number, VaeExample[]>();
    for (const e of examples) {
      const b = buckets.find((x) => e.ids.length <= x);
      if (b !== undefined) groups.set(b, [...(groups.get(b) ?? []), e]);
    }
    const sum = { ce: 0, kl: 0, prop: 0 };
    let n = 0;
    for (const [length, es] of groups)
      for (let s = 0; s < es.length; s += this.batchSize) {
        const chunk = es.slice(s, s + this.batchSize);
        const real = chunk.length;
        while (chunk.length < this.batchSize) chunk.push(chunk[chunk.length % real]);
        const sess = await this.session(length);
        const feeds = batchFeeds(this.c, chunk, length, new Float32Array(this.batchSize * this.c.latent), 1, 1);
        for (const name of sess.inputNames) if (!(name in feeds)) feeds[name] = weights.get(name)!;
        const out = await sess.run(feeds);
        for (const k of ['ce', 'kl', 'prop'] as const) sum[k] += (out[k].data as Float32Array)[0] * real;
        n += real;
      }
    return { ce: sum.ce / n, kl: sum.kl / n, prop: sum.prop / n };
  }

  async release() {
    for (const s of this.sessions.values()) await s.release();
  }
}

/**
 * The examples of each epoch: the run's own, plus (with a replay file) share/(1 − share) as many again drawn
 * from the base model's training data, seeded by epoch so a resumed epoch sees the same molecules. Replay
 * molecules the vocabulary cannot express are skipped.
 */
function replayMix(own: VaeExample[], vocabulary: Vocabulary, cfg: VaeTrainConfig): (epoch: number) => VaeExample[] {
  const r = cfg.replay;
  if (!r || r.share <= 0 || !fs.existsSync(r.file)) return () => own;
  const pool = readSmilesFile(r.file).smiles;
  const want = Math.min(pool.length, Math.round((own.length * r.share) / (1 - r.share)));
  return (epoch) => {
    const rng = new Rng(cfg.seed * 7919 + epoch * 104_729 + 13);
    const out = [...own];
    const picked = new Set<number>();
    for (let tries = 0; picked.size < want && tries < want * 4; tries++) {
      const i = Math.floor(rng.uniform() * pool.length);
      if (picked.has(i)) continue;
      picked.add(i);
      const e = vocabulary.encode(pool[i]);
      if (e.ok) out.push({ ids: e.ids });
    }
    return out;
  };
}

/** Trains (or resumes) the run in `dir`. */
export async function trainVae(dir: string, config: VaeTrainConfig, o: TrainVaeOptions = {}): Promise<TrainVaeResult> {
  fs.mkdirSync(dir, { recursive: true });
  const files = runFiles(dir);
  const resuming = fs.existsSync(files.run);
  const run: RunInfo = resuming ? (JSON.parse(fs.readFileSync(files.run, 'utf8')) as RunInfo) : await startRun(config, files.checkpoint);
  // A resumed run keeps what its data and sizes were; only how long to go on may change.
  const cfg: VaeTrainConfig = resuming ? { ...run.config, epochs: config.epochs } : config;
  run.config = cfg;
  if (!resuming) fs.writeFileSync(files.run, JSON.stringify(run, null, 1));

  const vocabulary = Vocabulary.fromJSON(run.vocabulary);
  const table = cfg.properties ? readPropertyTable(cfg.properties) : null;
  const props = table && run.normalization ? { table, norm: run.normalization } : undefined;
  const train0 = buildExamples(vocabulary, readSmilesFile(cfg.data, cfg.limit), props);
  const valid = cfg.valid ? buildExamples(vocabulary, readSmilesFile(cfg.valid, cfg.validLimit ?? 2000), props).examples : [];
  const epochData = replayMix(train0.examples, vocabulary, cfg);

  const klWeight = klAnnealing(cfg.kl);
  const lr = schedule(cfg.lr);
  const model = vaeTrainModel(run.model, { klWeight, propWeight: cfg.propWeight });
  const validator = new Validator(run.model, cfg.batchSize, cfg.threads ?? 2);
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  o.signal?.addEventListener('abort', onAbort);
  let budgetSpent = false;
  const timer = o.timeBudgetSeconds !== undefined ? setTimeout(() => ((budgetSpent = true), onAbort()), o.timeBudgetSeconds * 1000) : null;
  const t0 = Date.now();
  let step = fs.existsSync(files.checkpoint) ? readCheckpoint(files.checkpoint).step : 0;
  let status: TrainVaeResult['status'] = 'paused';
  let state: TrainState | null = null;
  try {
    for (;;) {
      const sums: Record<string, number> = {};
      let count = 0, epoch = 0;
      const target = Math.min(step + cfg.chunkSteps, o.maxSteps ?? Infinity);
      const res = await train(model, {
        data: epochData, batchSize: cfg.batchSize, epochs: cfg.epochs, buckets: cfg.buckets, lr,
        optimizer: { type: 'adam', clipNorm: cfg.clipNorm }, seed: cfg.seed, threads: cfg.threads,
        checkpoint: { path: files.checkpoint, everySteps: 100 }, resume: true, signal: ctl.signal, maxSteps: target,
        onProgress: (p) => {
          epoch = p.epoch;
          if (p.applied) {
            for (const [k, v] of Object.entries(p.losses)) sums[k] = (sums[k] ?? 0) + v;
            count++;
          }
          o.onProgress?.(p);
        },
      });
      step = res.step;
      state = res.state;
      if (count > 0) {
        const point: CurvePoint = {
          step, epoch, seconds: (Date.now() - t0) / 1000, lr: lr(res.state.updates) , klWeight: klWeight(res.state.updates),
          train: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count])),
          valid: valid.length ? await validator.run(res.state.params, valid, cfg.buckets) : undefined,
          holdout: o.evaluate ? await o.evaluate(run, res.state.snapshot().params) : undefined,
        };
        // the best checkpoint by validation reconstruction loss: a run stopped at a bad moment (the time budget
        // ends where it ends) still gives its best model
        if (o.keepBest && point.valid && Number.isFinite(point.valid.ce)) {
          const best = readBest(dir);
          if (!best || point.valid.ce < best.validCe) {
            const snap = res.state.snapshot();
            writeCheckpoint(files.best, { step, updates: snap.updates, epoch, batchInEpoch: 0, lrScale: 1, rng: [0, 0, 0, 0], params: snap.params, m: new Map(), v: new Map() });
            fs.writeFileSync(files.bestInfo, JSON.stringify({ step, validCe: point.valid.ce }));
          }
        }
        fs.appendFileSync(files.curves, JSON.stringify(point) + '\n');
        o.onCurve?.(point);
      }
      if (res.status !== 'paused' || ctl.signal.aborted || (o.maxSteps !== undefined && step >= o.maxSteps)) {
        // the time budget spent is a pause (resumable, as asked), a cancel is a cancel
        status = res.status === 'cancelled' || (res.status === 'paused' && ctl.signal.aborted) ? (budgetSpent && !o.signal?.aborted ? 'paused' : 'cancelled') : res.status;
        break;
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    await validator.release();
  }
  const weights = state ? state.snapshot().params : readCheckpoint(files.checkpoint).params;
  return { status, step, run, weights, curves: readCurves(dir) };
}
