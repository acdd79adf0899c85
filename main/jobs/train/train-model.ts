// Trains or fine-tunes a SMILES VAE on a user's molecules and writes a model bundle. Shared by the train job and
// `molscape train`:
//   molecules (any importable file, or a collection's SMILES) → standardized, deduplicated, seeded held-out split
//   (prepare-data.ts) → property table (main/chem) → the base model's held-out figures (fine-tuning) → training in
//   a run folder (checkpoints, curves with held-out reconstruction; resumable) → bundle from the last checkpoint,
//   with the before/after figures, what it started from and its training-set index.
// A stop (cancel, Ctrl-C, time budget) still writes the bundle of the last checkpoint, and the same call with
// resume: true goes on from it. Nothing is ever deleted that Molscape did not make: the bundle folder must be new
// or hold a Molscape bundle (replaced only with overwrite), and the run folder must be new or hold a run.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readCheckpoint } from '../../../models/train/checkpoint.ts';
import { BUNDLE_FORMAT, addBundleFile, declaredBundleFormat, verifyBundle } from '../../../models/vae/bundle.ts';
import type { BundleManifest } from '../../../models/vae/bundle.ts';
import { bundleFromRun } from '../../../models/vae/finish.ts';
import { loadBundle } from '../../../models/vae/bundle.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { klAnnealing } from '../../../models/vae/model.ts';
import type { KlSchedule } from '../../../models/vae/model.ts';
import { readBest, runFiles, trainVae } from '../../../models/vae/train.ts';
import type { CurvePoint, RunInfo, VaeTrainConfig } from '../../../models/vae/train.ts';
import { TRAINING_SET_FILE, encodeTrainingSet, mergeTrainingSets } from '../../../models/vae/training-set.ts';
import type { HoldoutFigures } from '../../api/contract.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { PREPARED_FILES, moleculesOfFile, prepareTrainingData, readPrepared } from './prepare-data.ts';
import type { PreparedData, TrainingMolecule } from './prepare-data.ts';
import { measureHoldout, measureWeights } from './holdout.ts';
import { writePropertyTable } from './property-table.ts';

/** Network sizes: 'zinc' is the shipped model's; 'small' trains in minutes; 'tiny' is for tests. */
export const MODEL_SIZES = {
  zinc: { embedding: 64, encoderHidden: 256, latent: 56, decoderHidden: 512, propertyHidden: 64, freeBits: 0.05 },
  small: { embedding: 32, encoderHidden: 96, latent: 24, decoderHidden: 192, propertyHidden: 32, freeBits: 0.05 },
  tiny: { embedding: 16, encoderHidden: 32, latent: 8, decoderHidden: 64, propertyHidden: 16, freeBits: 0 },
} as const;
export type ModelSize = keyof typeof MODEL_SIZES;

/** The file a collection's molecules are written to in the run folder (model-handlers.ts). */
export const COLLECTION_FILE = 'collection.smi';
const BUCKETS = [32, 40, 48, 56, 64, 76, 100];
/** Held-out molecules decoded at each curve point (all of them before and after training). */
const CURVE_HOLDOUT = 200;

export interface TrainModelOptions {
  /** Training molecules: a file the app imports (SMILES, CSV/TSV, SD, gzip)... */
  data?: string;
  /** ...or molecules given directly (a collection's canonical SMILES), with a label for them */
  molecules?: { label: string; items: TrainingMolecule[] };
  /** How the data is named in the model card (default: the file's name) */
  dataLabel?: string;
  /** Held-out molecules from a file instead of a split of the data (e.g. a test split) */
  valid?: string;
  /** Bundle folder to write. */
  out: string;
  /** Replace a Molscape bundle already at `out` (never anything else) */
  overwrite?: boolean;
  /** Run folder (default: the bundle folder + '.run'). */
  runDir?: string;
  resume?: boolean;
  /** Fine-tune this bundle (a folder); left out: a fresh model */
  from?: string;
  /** Share of the data held out, seeded (default 0.1); ignored with `valid` */
  holdout?: number;
  /** Share of each epoch from the base model's own training data (default 0.5), when it can be found */
  replay?: number;
  /** The base model's training data, when it is not where its manifest says */
  replayData?: string;
  epochs?: number;
  timeBudgetSeconds?: number;
  /**
   * KL weight, held constant (default: fine-tuning keeps the weight the base model ended with; a fresh model
   * anneals from 0 to 0.02). Higher: latent codes closer to the prior (more valid molecules from N(0, I) draws),
   * reconstruction looser.
   */
  klWeight?: number;
  /**
   * Learning rate to start from (default: 3e-4 fine-tuning, 1e-3 a fresh model) and the floor its exponential decay
   * stops at (default 1e-4, or the start if lower): a fine-tune continuing a long run starts where that run ended
   * rather than warming the model up again.
   */
  lr?: number;
  lrMin?: number;
  size?: ModelSize;
  batchSize?: number;
  /** Molecules whose properties are computed for the property head (default 50,000; the rest train masked). */
  propertyMolecules?: number;
  name?: string;
  threads?: number;
  seed?: number;
  /** Steps between curve points (validation and held-out measurement); default by the run's size */
  chunkSteps?: number;
  signal?: AbortSignal;
  onProgress?: (stage: 'data' | 'properties' | 'before' | 'training' | 'bundle', done: number, total: number | null, message: string) => void;
  /** Each curve point as it is written (the job passes them on) */
  onCurve?: (point: CurvePoint) => void;
}

export interface TrainModelResult {
  status: 'done' | 'cancelled' | 'paused';
  step: number;
  /** the step of the checkpoint the bundle holds, when it was chosen by validation loss */
  bestStep: number | null;
  bundle: string;
  runDir: string;
  data: PreparedData;
  holdout: { before: HoldoutFigures | null; after: HoldoutFigures } | null;
  addedTokens: string[];
  replay: { file: string; share: number } | null;
  /** why a fine-tune ran without replay though replay was asked for (the base model's data not found) */
  replayNote: string | null;
}

const sha256File = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** The schedule: fine-tuning starts gentler and decays faster on a small series; `lr`/`lrMin` override start and floor. */
export function learningRate(fineTune: boolean, size: ModelSize, trainMolecules: number, lr?: number, lrMin?: number): VaeTrainConfig['lr'] {
  const base = lr ?? (fineTune ? 3e-4 : size === 'tiny' ? 1e-2 : 1e-3);
  const min = Math.min(base, lrMin ?? 1e-4);
  return fineTune
    ? { base, warmup: 20, decay: 'exponential', gamma: trainMolecules < 20_000 ? 0.9995 : 0.99995, min }
    : { base, warmup: size === 'tiny' ? 0 : 300, decay: 'exponential', gamma: 0.99996, min };
}

/** The base model's own training data, where its manifest names it and the file there is the same one. */
export function findReplayData(base: BundleManifest, explicit?: string): { file: string; note: null } | { file: null; note: string } {
  const want = base.training.data.sha256;
  // A file the chemist named and that is not the base model's data is refused, never passed over: a fine-tune that
  // silently ran without replay would forget what the chemist asked it to keep.
  if (explicit) {
    if (!fs.existsSync(explicit) || !fs.statSync(explicit).isFile()) throw new Error(`There is no file ${explicit} (the replay data).`);
    if (sha256File(explicit) !== want)
      throw new Error(`${explicit} is not the data ${base.name} was trained on (${base.training.data.file}, sha256 ${want.slice(0, 12)}…): give that file as the replay data, or fine-tune without replay (replay 0)`);
    return { file: explicit, note: null };
  }
  const config = base.training.config as { data?: unknown } | undefined;
  const f = typeof config?.data === 'string' ? config.data : undefined;
  if (f && fs.existsSync(f) && fs.statSync(f).isFile() && sha256File(f) === want) return { file: f, note: null };
  return { file: null, note: `the training data of ${base.name} (${base.training.data.file}) is not on this machine: fine-tuning without replay` };
}

/** Refuses to write where something not made by Molscape is. */
function checkOutputs(out: string, runDir: string, o: TrainModelOptions): void {
  const runExists = fs.existsSync(runFiles(runDir).run);
  if (runExists && !o.resume) throw new Error(`${runDir} already holds a training run: pass --resume (resume: true) to continue it, or choose another name or folder`);
  if (!runExists && o.resume) throw new Error(`${runDir} holds no training run to resume`);
  // collection.smi: a collection's molecules, written there by the models.train handler for this run
  if (!runExists && fs.existsSync(runDir) && fs.readdirSync(runDir).some((f) => f !== COLLECTION_FILE))
    throw new Error(`${runDir} exists and holds files that are not a Molscape training run (a failed run's leftovers?): remove it yourself or choose another folder`);
  if (fs.existsSync(out) && !o.resume) {
    // read with a bundle's bounds: a manifest.json that is a link to a device or a FIFO is not read
    const isBundle = declaredBundleFormat(out) === BUNDLE_FORMAT;
    const empty = fs.statSync(out).isDirectory() && fs.readdirSync(out).length === 0;
    if (!empty && !isBundle) throw new Error(`${out} exists and is not a Molscape model bundle: Molscape will not replace it; choose another folder`);
    if (isBundle && !o.overwrite) throw new Error(`${out} already holds a model bundle: pass --overwrite to replace it, or choose another folder`);
  }
}

function readLines(f: string): string[] {
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()) : [];
}

export async function trainModel(o: TrainModelOptions): Promise<TrainModelResult> {
  const out = path.resolve(o.out);
  const runDir = path.resolve(o.runDir ?? `${out}.run`);
  checkOutputs(out, runDir, o);
  if (!o.data && !o.molecules) throw new Error('no training data: give a file or a collection');
  for (const f of [o.data, o.valid]) if (f && !fs.existsSync(f)) throw new Error(`There is no file ${f}.`);
  const progress = o.onProgress ?? (() => {});
  const seed = o.seed ?? 42;
  await loadRDKit();
  const from = o.from ? path.resolve(o.from) : undefined;
  const baseManifest = from ? verifyBundle(from).manifest : null;
  if (o.replayData && !baseManifest) throw new Error('replay data is for fine-tuning a model (--from): a fresh model has no earlier data to replay');
  // looked up (and a wrong file refused) before any work is done; used where training starts
  const replayFound = baseManifest && (o.replay ?? 0.5) > 0 ? findReplayData(baseManifest, o.replayData) : null;

  // 1. the data, prepared once per run (a resumed run reads what it prepared)
  let data = o.resume ? readPrepared(runDir) : null;
  if (!data) {
    progress('data', 0, null, 'reading and standardizing the molecules');
    const src = o.data
      ? { label: o.dataLabel ?? path.basename(o.data), sha256: sha256File(o.data), ...(await moleculesOfFile(o.data)) }
      : {
          label: o.molecules!.label, sha256: createHash('sha256').update(o.molecules!.items.map((m) => m.smiles).join('\n')).digest('hex'),
          records: o.molecules!.items.length, molecules: o.molecules!.items, problems: [], fragmentsStripped: 0,
        };
    if (src.molecules.length === 0) {
      const first = src.problems.slice(0, 3).map((p) => `${p.where}: ${p.reason}`).join('; ');
      throw new Error(`${src.label} holds no molecule that can be read${first ? ` (${src.problems.length} problems, first: ${first})` : ''}.`);
    }
    let heldFromFile: string[] | null = null;
    if (o.valid) {
      const v = await moleculesOfFile(o.valid);
      heldFromFile = [...new Set(v.molecules.map((m) => m.smiles))];
      const held = new Set(heldFromFile);
      src.molecules = src.molecules.filter((m) => !held.has(m.smiles)); // never train on what is measured
    }
    data = prepareTrainingData(src, { runDir, holdout: heldFromFile ? 0 : (o.holdout ?? 0.1), seed, maxTokens: Math.max(...BUCKETS) });
    if (heldFromFile) {
      fs.writeFileSync(path.join(runDir, PREPARED_FILES.holdout), heldFromFile.join('\n') + '\n');
      data = { ...data, holdout: heldFromFile.length };
      fs.writeFileSync(path.join(runDir, PREPARED_FILES.summary), JSON.stringify(data, null, 1));
    }
    progress('data', data.molecules, data.molecules, `${data.train} molecules to train on, ${data.holdout} held out, ${data.duplicates} duplicates, ${data.problemCount} left out`);
  }
  const trainFile = path.join(runDir, PREPARED_FILES.train);
  const holdFile = path.join(runDir, PREPARED_FILES.holdout);
  const holdout = readLines(holdFile);
  // the checkpoint is chosen on a validation part of the training data where there is one, never on the held-out
  const validFile = path.join(runDir, PREPARED_FILES.valid);
  const validation = readLines(validFile);

  // 2. properties for the property head
  const propsFile = path.join(runDir, 'properties.tsv');
  if (!fs.existsSync(propsFile)) {
    // evenly spaced over the training file (a file of two data sets must not teach the head the first alone)
    const train = readLines(trainFile), want = Math.min(train.length, o.propertyMolecules ?? 50_000);
    const all = [...Array.from({ length: want }, (_, i) => train[Math.floor((i * train.length) / want)]), ...validation, ...holdout.slice(0, 2000)];
    await writePropertyTable(all, propsFile, { signal: o.signal, threads: o.threads, onProgress: (d, t) => progress('properties', d, t, `properties ${d}/${t}`) });
  }

  // 3. what the base model does on the held-out molecules, before
  const beforeFile = path.join(runDir, 'before.json');
  let before: HoldoutFigures | null = fs.existsSync(beforeFile) ? (JSON.parse(fs.readFileSync(beforeFile, 'utf8')) as HoldoutFigures) : null;
  if (from && !before && holdout.length) {
    progress('before', 0, holdout.length, `measuring ${baseManifest!.name} on the ${holdout.length} held-out molecules`);
    const b = await loadBundle(from, { threads: o.threads ?? 2 });
    try {
      before = await measureHoldout(b.runtime, holdout);
    } finally {
      await b.runtime.release();
    }
    fs.writeFileSync(beforeFile, JSON.stringify(before));
  }

  // 4. training
  const size = o.size ?? 'zinc';
  let replay: TrainModelResult['replay'] = null;
  let replayNote: string | null = null;
  if (replayFound) {
    if (replayFound.file !== null) replay = { file: replayFound.file, share: o.replay ?? 0.5 };
    else progress('training', 0, null, (replayNote = replayFound.note));
  }
  // With replay, the checkpoint is chosen on the chemist's validation molecules and as many of the base model's
  // own: the model kept is the one best at both, not the one that learnt the series by forgetting the rest.
  let validFor = validation.length ? validFile : holdout.length ? holdFile : undefined;
  if (replay && validation.length) {
    const both = path.join(runDir, 'valid-with-base.smi');
    if (!fs.existsSync(both)) {
      const pool = readSmilesFile(replay.file).smiles;
      const k = Math.min(validation.length, pool.length);
      const base = Array.from({ length: k }, (_, i) => pool[Math.floor(((i + 0.5) * pool.length) / k)]);
      fs.writeFileSync(both, [...validation, ...base].join('\n') + '\n');
    }
    validFor = both;
  }
  const baseConfig = (baseManifest?.training.config ?? null) as { kl?: KlSchedule; buckets?: number[] } | null;
  // fine-tuning keeps the KL weight the base model ended with, and a gentler learning rate
  const baseKl = baseConfig?.kl ? klAnnealing(baseConfig.kl)(baseManifest!.training.steps) : 0.001;
  const small = data.train < 512;
  const batchSize = o.batchSize ?? (size === 'tiny' ? 16 : small ? 32 : 128);
  const config: VaeTrainConfig = {
    data: trainFile,
    valid: validFor,
    properties: propsFile,
    model: { ...MODEL_SIZES[size] },
    batchSize,
    buckets: BUCKETS,
    epochs: o.epochs ?? (from ? 1000 : 30),
    lr: learningRate(from !== undefined, size, data.train, o.lr, o.lrMin),
    kl: o.klWeight !== undefined ? { from: o.klWeight, to: o.klWeight, start: 0, length: 1 }
      : from ? { from: baseKl, to: baseKl, start: 0, length: 1 } : { from: 0, to: 0.02, start: size === 'tiny' ? 0 : 1000, length: size === 'tiny' ? 100 : 12000 },
    propWeight: 0.5,
    clipNorm: 5,
    seed,
    threads: o.threads ?? 2,
    // fine-tuning a series: a point a minute or so; a broad data set: the measurement must not cost much
    chunkSteps: o.chunkSteps ?? (from && data.train < 20_000 ? 50 : size === 'tiny' ? 25 : 500),
    // the chemist's validation molecules and as many of the base model's (with replay): up to 2,000 of each
    validLimit: 4000,
    from,
    replay: replay ?? undefined,
  };
  const curveSet = holdout.slice(0, CURVE_HOLDOUT);
  const res = await trainVae(runDir, config, {
    signal: o.signal,
    timeBudgetSeconds: o.timeBudgetSeconds,
    onProgress: (p) => progress('training', p.step, null, `epoch ${p.epoch + 1}, batch ${p.batchInEpoch}/${p.batchesInEpoch}, ${Object.entries(p.losses).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ')}, ${p.moleculesPerSec.toFixed(0)} mol/s`),
    onCurve: o.onCurve,
    keepBest: validation.length > 0,
    evaluate: curveSet.length
      ? async (run: RunInfo, weights) => ({ ...(await measureWeights(run.model, run.vocabulary, Math.max(...BUCKETS) + 24, weights, curveSet, o.threads ?? 2)) })
      : undefined,
  });

  // 5. the bundle, with the held-out figures after training
  progress('bundle', 0, null, 'writing the model bundle');
  const run = JSON.parse(fs.readFileSync(runFiles(runDir).run, 'utf8')) as RunInfo;
  const best = readBest(runDir);
  const chosen = best ? runFiles(runDir).best : runFiles(runDir).checkpoint;
  if (best) progress('bundle', 0, null, `the model of step ${best.step} (lowest validation loss, ${best.validCe.toFixed(4)}) of ${res.step}`);
  let after: HoldoutFigures | null = null;
  if (holdout.length) {
    after = await measureWeights(run.model, run.vocabulary, Math.max(...BUCKETS) + 24, readCheckpoint(chosen).params, holdout, o.threads ?? 2);
  }
  const holdoutMetrics = after ? { before, after } : null;
  await bundleFromRun(runDir, out, {
    name: o.name ?? path.basename(out), version: '0.1.0', threads: config.threads, checkpoint: chosen,
    evalMolecules: size === 'tiny' ? 50 : 500,
    trainingData: { file: data.label, sha256: data.sha256, molecules: data.molecules, used: data.train, heldOut: data.holdout, duplicates: data.duplicates, problems: data.problemCount },
    metrics: holdoutMetrics ? { holdout: holdoutMetrics } : {},
    extraManifest: run.base
      ? { base: { name: run.base.name, sha256: run.base.sha256, addedTokens: run.base.addedTokens, replay: replay ? { file: path.basename(replay.file), share: replay.share, molecules: Math.round((data.train * replay.share) / (1 - replay.share)) } : null } }
      : {},
  });
  progress('bundle', 0, null, 'indexing the training molecules (is a designed molecule new?)');
  // canonical already (prepare-data): the molecules trained on (not the held-out ones), and the base model's
  let index = encodeTrainingSet(readLines(trainFile));
  if (from && baseManifest!.files[TRAINING_SET_FILE]) index = mergeTrainingSets(index, new Uint8Array(fs.readFileSync(path.join(from, TRAINING_SET_FILE))));
  addBundleFile(out, TRAINING_SET_FILE, index);
  return {
    status: res.status, step: res.step, bestStep: best?.step ?? null, bundle: out, runDir, data, holdout: holdoutMetrics,
    addedTokens: (run.base?.addedTokens ?? []).map((a) => a.token), replay, replayNote,
  };
}
