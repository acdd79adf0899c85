// bench:invert — seeds held exactly: of the first N molecules of a SMILES file, how many the model holds by its
// encoder mean, by a posterior draw, by gradient descent on z, or not at all; time per seed (p50, p95). One JSON line.
//   npm run bench:invert -- [--file ../shared/data/zinc250k/test.smi.gz] [--n 1000] [--model NAME|FOLDER]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSmilesFile } from '../../models/vae/data.ts';
import { canonicalSmiles } from './canonical.ts';
import { Inverter } from './inversion.ts';
import { ModelRegistry, defaultUserModelsDir } from './model-registry.ts';
import { ModelService } from './model-service.ts';

const { values: opt } = parseArgs({ options: { file: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') }, n: { type: 'string', default: '1000' }, model: { type: 'string' } } });
const model = await ModelService.open(new ModelRegistry(defaultUserModelsDir()).resolve(opt.model));
const inverter = new Inverter(model);
const smiles = readSmilesFile(opt.file!, Number(opt.n)).smiles;
const load0 = os.loadavg();
const counts: Record<string, number> = { mean: 0, posterior: 0, gradient: 0, notHeld: 0, notEncodable: 0 };
const times: number[] = [];
let decodes = 0;
for (const s of smiles) {
  const c = canonicalSmiles(s) ?? s;
  const t0 = performance.now();
  const enc = await model.encode([c]);
  if (!enc.rows.length) {
    counts.notEncodable++;
    continue;
  }
  const h = await inverter.invert(c, enc.mu, enc.logvar);
  times.push(performance.now() - t0);
  decodes += h.decodes;
  counts[h.method ?? 'notHeld']++;
}
times.sort((a, b) => a - b);
const q = (p: number) => +times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
console.log(JSON.stringify({
  bench: 'invert', model: model.name, file: path.join(path.basename(path.dirname(opt.file!)), path.basename(opt.file!)), molecules: smiles.length, ...counts,
  held: +((counts.mean + counts.posterior + counts.gradient) / smiles.length).toFixed(4), heldByMean: +(counts.mean / smiles.length).toFixed(4),
  msPerSeed: { p50: q(0.5), p95: q(0.95), max: q(1) }, decodesPerSeed: +(decodes / Math.max(1, times.length)).toFixed(1),
  loadAverage: { before: load0.map((x) => +x.toFixed(2)), after: os.loadavg().map((x) => +x.toFixed(2)) },
}));
await inverter.close();
await model.close();
