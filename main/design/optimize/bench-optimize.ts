// npm run bench:optimize [-- --limit N --budget B --method gradient|cmaes --deltas 0.4,0.6 --seed S --qed-budget D]
// The similarity-constrained penalized-logP task (JT-VAE, Jin et al. 2018): from each of the 800 ZINC molecules
// of ../shared/data/zinc250k/optimization-800.logP-SA, find a molecule with higher penalized logP (cLogP − SA −
// rings over six atoms) at Tanimoto (Morgan r2, 2048 bits) ≥ δ. Success: a valid molecule, different from the
// start, meeting δ (the task's only constraints: PAINS and training-set novelty are off). Improvement: the best
// such molecule's plogp − the start's. Reported per δ: mean ± sd improvement over the successes (the paper's
// convention) and over all molecules (a failure counting 0), the success rate, decodes, seconds. With
// --qed-budget D, also the distinct new molecules (not in the training set) with QED ≥ 0.948 found within D
// decodes (QED optimization, --qed-method, from --qed-starts molecules, D split between them, no similarity
// constraint): with --qed-from file the first molecules of the same file (chosen for low penalized logP, not for
// QED), with --qed-from valid the highest-QED molecules of the first 3,000 of ZINC's validation split (molecules
// the model never trained on, as a chemist starts from their best compounds).
// Prints one JSON line with the load average before and after (the machine is shared: read times with it).
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { resolveModelRef } from '../model-path.ts';
import { ModelService } from '../model-service.ts';
import { parseObjective } from './objectives.ts';
import { optimizeOne } from './optimize.ts';
import type { OptimizeMethod } from './optimize.ts';
import { sharedDataPath } from './test-paths.ts';
import { computeProperties } from '../../chem/properties.ts';
import { loadRDKit, withMol } from '../../chem/rdkit.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';

const { values: opt } = parseArgs({
  options: {
    limit: { type: 'string', default: '800' },
    budget: { type: 'string', default: '500' },
    method: { type: 'string', default: 'gradient' },
    deltas: { type: 'string', default: '0.4,0.6' },
    seed: { type: 'string', default: '0' },
    model: { type: 'string' },
    'qed-budget': { type: 'string', default: '0' },
    'qed-starts': { type: 'string', default: '10' },
    'qed-method': { type: 'string', default: 'gradient' },
    'qed-from': { type: 'string', default: 'file' },
  },
});
const loadBefore = os.loadavg().map((x) => +x.toFixed(2));
const limit = Number(opt.limit), budget = Number(opt.budget), randomSeed = Number(opt.seed);
const method = opt.method as OptimizeMethod;
const deltas = opt.deltas.split(',').filter((d) => d.trim() !== '').map(Number); // --deltas '' runs the QED count alone
const starts = fs.readFileSync(sharedDataPath('zinc250k/optimization-800.logP-SA'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/)[0]).slice(0, limit);
const model = await ModelService.open(resolveModelRef(opt.model), { threads: 1 });

const stats = (xs: number[]) => {
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean: +mean.toFixed(3), sd: +sd.toFixed(3) };
};

const plogp = [parseObjective('plogp')];
const tasks = [];
for (const delta of deltas) {
  const t0 = performance.now();
  const gains: number[] = [];
  let decodes = 0, invalidSeeds = 0;
  for (let i = 0; i < starts.length; i++) {
    const r = await optimizeOne({ model }, starts[i], {
      objectives: plogp, constraints: { similarity: delta, noPains: false, notInTraining: false, notInWorkspace: false }, method, budget, randomSeed,
    }, i);
    if (r.problem) invalidSeeds++;
    decodes += r.decodes;
    if (r.results.length) gains.push(r.improvements[0]!);
  }
  const seconds = (performance.now() - t0) / 1000;
  const all = [...gains, ...new Array(starts.length - gains.length).fill(0)];
  tasks.push({
    delta, molecules: starts.length, success: +(gains.length / starts.length).toFixed(4), improvementSuccesses: stats(gains), improvementAll: stats(all),
    startsNotEncodable: invalidSeeds, decodes, seconds: +seconds.toFixed(1), secondsPerMolecule: +(seconds / starts.length).toFixed(2), decodesPerSecond: Math.round(decodes / seconds),
  });
}

let qed: Record<string, unknown> | null = null;
const qedBudget = Number(opt['qed-budget']);
if (qedBudget > 0) {
  const t0 = performance.now();
  let qedStarts = starts;
  if (opt['qed-from'] === 'valid') {
    await loadRDKit();
    const valid = readSmilesFile(sharedDataPath('zinc250k/valid.smi.gz'), 3000).smiles;
    const scored = valid.map((smiles) => ({ smiles, qed: withMol(smiles, (m) => computeProperties(m).qed) ?? 0 }));
    qedStarts = scored.sort((a, b) => (b.qed as number) - (a.qed as number)).map((x) => x.smiles);
  } else if (opt['qed-from'] !== 'file') throw new Error(`--qed-from is file or valid, not ${opt['qed-from']}`);
  const k = Math.min(Number(opt['qed-starts']), qedStarts.length);
  const found = new Set<string>();
  let decodes = 0, best = 0;
  for (let i = 0; i < k; i++) {
    const r = await optimizeOne({ model }, qedStarts[i], {
      objectives: [parseObjective('qed')], constraints: { noPains: false, notInTraining: true, notInWorkspace: false }, method: opt['qed-method'] as OptimizeMethod, budget: Math.floor(qedBudget / k), randomSeed,
    }, i);
    decodes += r.decodes;
    for (const c of r.results) {
      if ((c.values[0] ?? 0) >= 0.948) found.add(c.smiles!);
      best = Math.max(best, c.values[0] ?? 0);
    }
  }
  qed = { decodes, starts: k, from: opt['qed-from'], method: opt['qed-method'], newMoleculesQedAtLeast0948: found.size, bestQed: +best.toFixed(3), seconds: +((performance.now() - t0) / 1000).toFixed(1) };
}
await model.close();

console.log(JSON.stringify({
  bench: 'optimize', task: 'similarity-constrained penalized logP (JT-VAE)', model: model.name, modelSha256: model.manifestSha256, method, budgetPerMolecule: budget, randomSeed,
  tasks, qed, loadBefore, loadAfter: os.loadavg().map((x) => +x.toFixed(2)), cores: os.cpus().length,
}));
