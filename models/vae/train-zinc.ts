// Trains the bundled ZINC model (or resumes it): the same command starts and continues a run.
//   node --import tsx models/vae/train-zinc.ts --out /root/molscape-train/zinc250k \
//     [--props FILE.tsv] [--time-budget 3h] [--epochs 30] [--limit N] [--chunk 500] [--threads 2]
//     [--bundle DIR [--bundle-only]]
// With --bundle, stopping (done, time budget, Ctrl-C) writes a model bundle from the last checkpoint into DIR;
// --bundle-only writes it from the run's current checkpoint without training (safe while a run goes on).
// Sizes and schedules below were chosen from measured steps on 2 shared cores (see the report in models/vae).
// Progress goes to stdout one line per 50 steps; curve points (train and validation losses) per chunk.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFromRun } from './finish.ts';
import { trainVae } from './train.ts';
import type { VaeTrainConfig } from './train.ts';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/train.smi.gz') },
    valid: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/valid.smi.gz') },
    props: { type: 'string' },
    'time-budget': { type: 'string' },
    epochs: { type: 'string', default: '30' },
    limit: { type: 'string' },
    chunk: { type: 'string', default: '500' },
    threads: { type: 'string', default: '2' },
    bundle: { type: 'string' },
    'bundle-only': { type: 'boolean', default: false },
    name: { type: 'string', default: 'zinc250k' },
    version: { type: 'string', default: '0.1.0' },
  },
});

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`--time-budget: expected e.g. 90m, 3h or 3600, got '${s}'`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
}

if (!a.out) {
  console.error('train-zinc: --out DIR is required');
  process.exit(2);
}

const config: VaeTrainConfig = {
  data: a.data!,
  valid: a.valid,
  properties: a.props,
  model: { embedding: 64, encoderHidden: 256, latent: 56, decoderHidden: 512, propertyHidden: 64, freeBits: 0.05 },
  batchSize: 128,
  buckets: [32, 40, 48, 56, 64, 76],
  epochs: Number(a.epochs),
  lr: { base: 1e-3, warmup: 300, decay: 'exponential', gamma: 0.99996, min: 1e-4 },
  kl: { from: 0, to: 0.02, start: 1000, length: 12000 },
  propWeight: 0.5,
  clipNorm: 5,
  seed: 42,
  threads: Number(a.threads),
  chunkSteps: Number(a.chunk),
  limit: a.limit ? Number(a.limit) : undefined,
  validLimit: 2000,
};

const writeBundle = async () => {
  if (!a.bundle) return;
  const m = await bundleFromRun(a.out!, a.bundle, { name: a.name!, version: a.version!, threads: Number(a.threads), log: (l) => console.log(`bundle: ${l}`) });
  console.log(`bundle: wrote ${a.bundle} (step ${m.training.steps})`);
};
if (a['bundle-only']) {
  await writeBundle();
  process.exit(0);
}

const ctl = new AbortController();
process.on('SIGINT', () => ctl.abort());
process.on('SIGTERM', () => ctl.abort());
const t0 = Date.now();
const res = await trainVae(a.out, config, {
  signal: ctl.signal,
  timeBudgetSeconds: a['time-budget'] ? parseDuration(a['time-budget']) : undefined,
  onProgress: (p) => {
    if (p.step % 50 !== 0) return;
    const l = Object.entries(p.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ');
    console.log(`${new Date().toISOString()} step ${p.step} epoch ${p.epoch} batch ${p.batchInEpoch}/${p.batchesInEpoch} ${l} ${p.moleculesPerSec.toFixed(0)} mol/s`);
  },
  onCurve: (c) => console.log(`curve ${JSON.stringify(c)}`),
});
console.log(`train-zinc: ${res.status} at step ${res.step} after ${((Date.now() - t0) / 1000).toFixed(0)} s; checkpoint in ${a.out}`);
await writeBundle();
