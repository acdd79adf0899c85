// Trains a SMILES VAE on a user's data and writes a model bundle: property table (main/chem) → training in a
// run folder (checkpoints, curves; resumable) → bundle from the last checkpoint. Shared by the train job and
// `molscape train`. A stop (cancel, Ctrl-C, time budget) still writes the bundle of the last checkpoint, and
// the same call with resume: true goes on from it.
import fs from 'node:fs';
import path from 'node:path';
import { bundleFromRun } from '../../../models/vae/finish.ts';
import { addTrainingSet } from './training-set.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { runFiles, trainVae } from '../../../models/vae/train.ts';
import type { VaeTrainConfig } from '../../../models/vae/train.ts';
import { writePropertyTable } from './property-table.ts';

/** Network sizes: 'zinc' is the shipped model's; 'small' trains in minutes; 'tiny' is for tests. */
export const MODEL_SIZES = {
  zinc: { embedding: 64, encoderHidden: 256, latent: 56, decoderHidden: 512, propertyHidden: 64, freeBits: 0.05 },
  small: { embedding: 32, encoderHidden: 96, latent: 24, decoderHidden: 192, propertyHidden: 32, freeBits: 0.05 },
  tiny: { embedding: 16, encoderHidden: 32, latent: 8, decoderHidden: 64, propertyHidden: 16, freeBits: 0 },
} as const;
export type ModelSize = keyof typeof MODEL_SIZES;

export interface TrainModelOptions {
  data: string;
  valid?: string;
  /** Bundle folder to write. */
  out: string;
  /** Run folder (default: the bundle folder + '.run'). */
  runDir?: string;
  resume?: boolean;
  epochs?: number;
  timeBudgetSeconds?: number;
  size?: ModelSize;
  batchSize?: number;
  /** Molecules whose properties are computed for the property head (default 50,000; the rest train masked). */
  propertyMolecules?: number;
  name?: string;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (stage: 'properties' | 'training' | 'bundle', done: number, total: number | null, message: string) => void;
}

export interface TrainModelResult {
  status: 'done' | 'cancelled' | 'paused';
  step: number;
  bundle: string;
  runDir: string;
}

export async function trainModel(o: TrainModelOptions): Promise<TrainModelResult> {
  const runDir = path.resolve(o.runDir ?? `${path.resolve(o.out)}.run`);
  const exists = fs.existsSync(runFiles(runDir).run);
  if (exists && !o.resume) throw new Error(`${runDir} already holds a training run: pass resume to continue it, or choose another run folder`);
  if (!exists && o.resume) throw new Error(`${runDir} holds no training run to resume`);
  for (const f of [o.data, o.valid]) if (f && !fs.existsSync(f)) throw new Error(`There is no file ${f}.`);
  const progress = o.onProgress ?? (() => {});
  fs.mkdirSync(runDir, { recursive: true });

  const propsFile = path.join(runDir, 'properties.tsv');
  if (!fs.existsSync(propsFile)) {
    const train = readSmilesFile(o.data, o.propertyMolecules ?? 50_000).smiles;
    const valid = o.valid ? readSmilesFile(o.valid, 2000).smiles : [];
    const all = [...train, ...valid];
    await writePropertyTable(all, propsFile, { signal: o.signal, threads: o.threads, onProgress: (d, t) => progress('properties', d, t, `properties ${d}/${t}`) });
  }

  const size = o.size ?? 'zinc';
  const batchSize = o.batchSize ?? (size === 'tiny' ? 16 : 128);
  const config: VaeTrainConfig = {
    data: path.resolve(o.data),
    valid: o.valid ? path.resolve(o.valid) : undefined,
    properties: propsFile,
    model: { ...MODEL_SIZES[size] },
    batchSize,
    buckets: [32, 40, 48, 56, 64, 76, 100],
    epochs: o.epochs ?? 30,
    lr: { base: size === 'tiny' ? 1e-2 : 1e-3, warmup: size === 'tiny' ? 0 : 300, decay: 'exponential', gamma: 0.99996, min: 1e-4 },
    kl: { from: 0, to: 0.02, start: size === 'tiny' ? 0 : 1000, length: size === 'tiny' ? 100 : 12000 },
    propWeight: 0.5,
    clipNorm: 5,
    seed: 42,
    threads: o.threads ?? 2,
    chunkSteps: size === 'tiny' ? 25 : 500,
    validLimit: 2000,
  };
  const res = await trainVae(runDir, config, {
    signal: o.signal,
    timeBudgetSeconds: o.timeBudgetSeconds,
    onProgress: (p) => progress('training', p.step, null, `epoch ${p.epoch + 1}, batch ${p.batchInEpoch}/${p.batchesInEpoch}, ${Object.entries(p.losses).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ')}, ${p.moleculesPerSec.toFixed(0)} mol/s`),
  });
  progress('bundle', 0, null, 'writing the model bundle');
  // the bundle's quick metrics decode prior samples: fewer for a tiny test model, whose decodes run long
  await bundleFromRun(runDir, o.out, { name: o.name ?? path.basename(path.resolve(o.out)), version: '0.1.0', threads: config.threads, evalMolecules: size === 'tiny' ? 50 : 500 });
  progress('bundle', 0, null, 'indexing the training molecules (is a designed molecule new?)');
  await addTrainingSet(o.out, o.data);
  return { status: res.status, step: res.step, bundle: path.resolve(o.out), runDir };
}
