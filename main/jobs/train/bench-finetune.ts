// bench:finetune — fine-tuning the shipped model on a chemist's series with a time budget, as `molscape train
// --from zinc250k` does it: held-out exact reconstruction before and after, and what the base model's own
// chemistry loses (exact reconstruction of the first N ZINC test molecules, before and after). One JSON line.
//   npm run bench:finetune -- --task series   [--budget 600] [--zinc 1000]
//     ../shared/data/samples/chembl2321810-series.smi, 90 % trained on, 10 % held out (seeded)
//   npm run bench:finetune -- --task chembl   [--budget 600]
//     the first 3,000 molecules of ../shared/data/chembl31/train.smi.gz, held out: the first 1,000 of its test split
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBundle } from '../../../models/vae/bundle.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { canonicalSmiles } from '../../design/canonical.ts';
import { defaultModelDir } from '../../design/model-path.ts';
import { measureHoldout } from './holdout.ts';
import { trainModel } from './train-model.ts';

const { values: opt } = parseArgs({
  options: { task: { type: 'string', default: 'series' }, budget: { type: 'string', default: '600' }, zinc: { type: 'string', default: '1000' }, keep: { type: 'string' }, replay: { type: 'string' } },
});
const shared = path.resolve(import.meta.dirname, '../../../../shared/data');
const budget = Number(opt.budget);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-finetune-'));

async function zincExact(bundleDir: string, canonical: string[]) {
  const b = await loadBundle(bundleDir);
  try {
    return (await measureHoldout(b.runtime, canonical)).exact;
  } finally {
    await b.runtime.release();
  }
}

await loadRDKit();
const zinc = readSmilesFile(path.join(shared, 'zinc250k/test.smi.gz'), Number(opt.zinc)).smiles.map((s) => canonicalSmiles(s) ?? s);
const base = defaultModelDir();
let data: string, valid: string | undefined;
if (opt.task === 'series') data = path.join(shared, 'samples/chembl2321810-series.smi');
else if (opt.task === 'chembl') {
  data = path.join(tmp, 'chembl31-train-3000.smi');
  fs.writeFileSync(data, readSmilesFile(path.join(shared, 'chembl31/train.smi.gz'), 3000).smiles.join('\n') + '\n');
  valid = path.join(tmp, 'chembl31-test-1000.smi');
  fs.writeFileSync(valid, readSmilesFile(path.join(shared, 'chembl31/test.smi.gz'), 1000).smiles.join('\n') + '\n');
} else throw new Error(`--task series | chembl, not ${opt.task}`);

const load0 = os.loadavg();
const zincBefore = await zincExact(base, zinc);
const out = opt.keep ? path.resolve(opt.keep) : path.join(tmp, 'model');
const t0 = performance.now();
let trainingSteps = 0;
const r = await trainModel({ data, valid, out, from: base, holdout: 0.1, timeBudgetSeconds: budget, replay: opt.replay === undefined ? undefined : Number(opt.replay), onProgress: (stage, done) => stage === 'training' && (trainingSteps = Math.max(trainingSteps, done)) });
const seconds = (performance.now() - t0) / 1000;
const zincAfter = await zincExact(out, zinc);
const load1 = os.loadavg();
console.log(JSON.stringify({
  bench: 'finetune', task: opt.task, data: path.basename(data), budgetSeconds: budget, seconds: Math.round(seconds), steps: r.step, bestStep: r.bestStep, status: r.status,
  molecules: { train: r.data.train, validation: r.data.valid, heldOut: r.data.holdout, leftOut: r.data.problemCount, duplicates: r.data.duplicates },
  addedTokens: r.addedTokens, replay: r.replay ? { file: path.basename(r.replay.file), share: r.replay.share } : null,
  heldOutExact: { before: r.holdout?.before?.exact ?? null, after: r.holdout?.after.exact ?? null },
  heldOutValid: { before: r.holdout?.before?.valid ?? null, after: r.holdout?.after.valid ?? null },
  zincTestExact: { molecules: zinc.length, before: zincBefore, after: zincAfter, drop: zincBefore - zincAfter },
  loadAverage: { before: load0.map((x) => +x.toFixed(2)), after: load1.map((x) => +x.toFixed(2)) },
  cpu: os.cpus()[0]?.model, cores: os.cpus().length,
}));
if (!opt.keep) fs.rmSync(tmp, { recursive: true, force: true });
