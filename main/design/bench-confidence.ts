// bench:confidence — how well the model's negative ELBO per token separates molecules like its training data from
// molecules unlike it: AUROC of ZINC-250k test (in distribution) against ChEMBL 31 test and against the NCI SD
// sample (../shared/data), the first N of each; the share held by the mean in each set. One JSON line.
//   npm run bench:confidence -- [--n 1000] [--model NAME|FOLDER]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSmilesFile } from '../../models/vae/data.ts';
import { moleculesOfFile } from '../jobs/train/prepare-data.ts';
import { canonicalSmiles } from './canonical.ts';
import { ConfidenceScorer, auroc } from './confidence.ts';
import { ModelRegistry, defaultUserModelsDir } from './model-registry.ts';
import { ModelService } from './model-service.ts';

const { values: opt } = parseArgs({ options: { n: { type: 'string', default: '1000' }, model: { type: 'string' } } });
const n = Number(opt.n);
const data = path.resolve(import.meta.dirname, '../../../shared/data');
const model = await ModelService.open(new ModelRegistry(defaultUserModelsDir()).resolve(opt.model));
const scorer = new ConfidenceScorer(model);
const load0 = os.loadavg();
const t0 = performance.now();
const canon = (xs: string[]) => xs.map((s) => canonicalSmiles(s)).filter((s): s is string => s !== null);
const sets = {
  zincTest: canon(readSmilesFile(path.join(data, 'zinc250k/test.smi.gz'), n).smiles),
  chembl31Test: canon(readSmilesFile(path.join(data, 'chembl31/test.smi.gz'), n).smiles),
  nci200: (await moleculesOfFile(path.join(data, 'samples/nci-200.props.sdf'))).molecules.map((m) => m.smiles).slice(0, n),
};
const scored: Record<string, { scores: number[]; nll: number[]; notScored: number; heldByMean: number; median: number }> = {};
let molecules = 0;
for (const [name, smiles] of Object.entries(sets)) {
  const s = await scorer.score(smiles);
  molecules += smiles.length;
  const scores = s.map((x) => x.negElboPerToken).filter((x): x is number => x !== null);
  const sorted = [...scores].sort((a, b) => a - b);
  const nll = s.map((x) => x.nllPerToken).filter((x): x is number => x !== null);
  scored[name] = { scores, nll, notScored: s.length - scores.length, heldByMean: s.filter((x) => x.heldByMean).length / s.length, median: sorted[Math.floor(sorted.length / 2)] };
}
const seconds = (performance.now() - t0) / 1000;
const summary = (k: string) => ({ molecules: sets[k as keyof typeof sets].length, scored: scored[k].scores.length, notScored: scored[k].notScored, heldByMean: +scored[k].heldByMean.toFixed(4), medianNegElboPerToken: +scored[k].median.toFixed(4) });
console.log(JSON.stringify({
  bench: 'confidence', model: model.name, score: 'negative ELBO per token at the encoder mean (higher: less at home); molecules the vocabulary cannot express are left out of the AUROC',
  sets: Object.fromEntries(Object.keys(sets).map((k) => [k, summary(k)])),
  auroc: { zincTestVsChembl31Test: +auroc(scored.chembl31Test.scores, scored.zincTest.scores).toFixed(4), zincTestVsNci200: +auroc(scored.nci200.scores, scored.zincTest.scores).toFixed(4) },
  aurocReconstructionTermOnly: { zincTestVsChembl31Test: +auroc(scored.chembl31Test.nll, scored.zincTest.nll).toFixed(4), zincTestVsNci200: +auroc(scored.nci200.nll, scored.zincTest.nll).toFixed(4) },
  moleculesPerSecond: +(molecules / seconds).toFixed(1),
  loadAverage: { before: load0.map((x) => +x.toFixed(2)), after: os.loadavg().map((x) => +x.toFixed(2)) },
}));
await scorer.close();
await model.close();
