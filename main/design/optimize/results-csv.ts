// The optimizer's results as CSV rows (the CLI's --out; later the generated collection): `input, smiles,
// similarity, improvement`, each objective's value, membership, where the search found it, then the provenance
// the other design commands write (operation, seed, start_held, parameters, model, model_sha256, random_seed, created_at),
// and a note saying why `smiles` is empty when nothing met every constraint.
import { csvCell } from '../../files/writers.ts';
import type { UserValue } from '../../files/types.ts';
import type { ModelService } from '../model-service.ts';
import { describeHold, optimizeParams } from './optimize.ts';
import type { OptimizeResult, OptimizeSettings } from './optimize.ts';

const round = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));

export interface ResultRowsOptions {
  /** results per input (1: the best only, as with --input) */
  top: number;
  createdAt?: string;
}

export function optimizeCsv(results: readonly OptimizeResult[], s: OptimizeSettings, model: ModelService, o: ResultRowsOptions): string {
  const names = s.objectives.map((x) => x.name);
  const header = ['input', 'smiles', 'similarity', 'improvement', ...names, ...names.map((n) => `seed_${n}`), 'rank', 'in_training', 'in_workspace', 'iteration', 'found_at_decode', 'decodes',
    'operation', 'seed', 'start_held', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at', 'note'];
  const params = JSON.stringify(optimizeParams(s));
  const createdAt = o.createdAt ?? new Date().toISOString();
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const r of results) {
    const seedValues = names.map((_, i) => round(r.seed?.values[i], 4));
    const prov = (): UserValue[] => ['optimize', r.seed?.canonical ?? null, describeHold(r.hold), params, model.name, model.manifestSha256, r.randomSeed, createdAt];
    const shown = r.results.slice(0, o.top);
    if (shown.length === 0) {
      const note = r.problem ?? `no molecule met every constraint in ${r.decodes} decodes (${r.distinct} distinct molecules)`;
      lines.push([r.input, null, null, null, ...names.map(() => null), ...seedValues, null, null, null, null, null, r.decodes, ...prov(), note].map((v) => csvCell(v)).join(','));
      continue;
    }
    shown.forEach((c, k) => {
      const values: UserValue[] = [
        r.input, c.smiles, round(c.facts?.similarity, 4), round(r.improvements[k], 4), ...c.values.map((v) => round(v, 4)), ...seedValues, k + 1,
        c.inTraining, c.inWorkspace, c.iteration, c.decodes, r.decodes, ...prov(), null,
      ];
      lines.push(values.map((v) => csvCell(v)).join(','));
    });
  }
  return lines.join('\n') + '\n';
}
