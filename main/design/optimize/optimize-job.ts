// The optimize job (JobKind 'optimize', run in the job process): optimizes from each start molecule in turn
// (optimize.ts) and writes what it finds into a generated collection as it goes, each start's best results
// with their property panel and provenance as user columns (input, similarity, improvement, each objective,
// method, iteration, model and its sha256, random seed …). Progress: decodes done of the whole budget, with
// the best so far in the message. Cancel stops the search at its next batch; what was found until then,
// including the current start's, is already in the collection, so a cancel keeps it.
import { Inverter } from '../inversion.ts';
import { z } from 'zod';
import { OptimizeRequest } from '../../api/contract.ts';
import { createCollection, updateCollectionCounts } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import { workspaceLookup } from '../../store/latent.ts';
import { countMolecules, insertMolecules, setProperties } from '../../store/molecules.ts';
import type { JobRunner } from '../../jobs/runner.ts';
import { ModelService } from '../model-service.ts';
import { parseWindow } from './constraints.ts';
import { objectiveLabel, parseObjective } from './objectives.ts';
import type { CustomObjective } from './objectives.ts';
import { WorkspaceSurrogates, surrogateNames } from './workspace-surrogates.ts';
import { checkSettings, describeHold, optimizeOne, optimizeParams } from './optimize.ts';
import { OptimizeProgressReporter } from './optimize-progress.ts';
import type { OptimizeResult, OptimizeSettings } from './optimize.ts';

/**
 * The job takes what design.optimize takes (the contract's one schema), with the starts resolved to SMILES and the
 * model to its folder by the handler.
 */
export const OptimizeJobArgs = OptimizeRequest.omit({ starts: true, collectionId: true, model: true }).extend({
  starts: z.array(z.string().min(1).max(2000)).min(1).max(10_000),
  /** the model bundle's folder (resolved by the caller) */
  modelDir: z.string().min(1),
});
export type OptimizeJobArgs = z.input<typeof OptimizeJobArgs>;

export interface OptimizeJobResult {
  collectionId: number;
  starts: number;
  /** starts with at least one molecule meeting every constraint */
  improved: number;
  molecules: number;
  decodes: number;
  cancelled: boolean;
}

export function jobSettings(a: z.output<typeof OptimizeJobArgs>, customs: Record<string, CustomObjective> = {}): OptimizeSettings {
  const c = a.constraints;
  const s: OptimizeSettings = {
    objectives: a.objectives.map((o) => parseObjective(o, customs)), method: a.method, budget: a.budget, randomSeed: a.randomSeed, pareto: a.pareto,
    constraints: { similarity: c.similarity, keep: c.keep, windows: c.windows?.map(parseWindow), noPains: c.noPains, notInTraining: c.notInTraining, notInWorkspace: c.notInWorkspace },
  };
  checkSettings(s);
  return s;
}

export const optimizeJob: JobRunner = async (ctx): Promise<OptimizeJobResult> => {
  const args = OptimizeJobArgs.parse(ctx.args);
  const db = openWorkspace(ctx.workspace);
  let model: ModelService | null = null;
  let inverter: Inverter | null = null;
  try {
    ctx.progress(0, null, 'loading the model');
    model = await ModelService.open(args.modelDir);
    const m = model;
    // each start held exactly, so the search starts at the chemist's molecule, not at what its mean decodes to
    inverter = new Inverter(m);
    // surrogates learned from the workspace (a measured column, the star ratings), fitted here in the job process
    const surrogates = new WorkspaceSurrogates(db, { collectionId: args.surrogateCollectionId, features: args.surrogateFeatures, seed: args.randomSeed, model: async () => m });
    if (surrogateNames(args.objectives).length) ctx.progress(0, null, 'fitting the surrogate objectives');
    await surrogates.resolve(args.objectives);
    const s = jobSettings(args, surrogates.customs);
    // a measured column's surrogate is written as "predicted <column>", beside the column itself where it was measured
    const names = s.objectives.map((o) => (o.name.startsWith('user:') ? `predicted ${o.name.slice(5)}` : o.name));
    const params = optimizeParams(s);
    const label = s.objectives.map(objectiveLabel).join(', ');
    const cid = createCollection(db, { name: args.name ?? `Optimized: ${label}`, kind: 'generated' });
    const userColumns = ['input', 'similarity', 'improvement', ...names, 'method', 'iteration', 'found_at_decode', 'operation', 'seed', 'start_held', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at'];
    updateCollectionCounts(db, cid, { userColumns });
    ctx.emit('collections.changed', { collectionId: cid });
    const total = args.starts.length * s.budget;
    // the Optimize panel's live plot: best so far and the Pareto front ('optimize.progress')
    const live = new OptimizeProgressReporter(ctx, cid, s.objectives, args.starts.length, total);
    live.surrogates = [...surrogates.fits.values()];
    // molecules already in the workspace before this job are "in workspace"; the job's own results are not
    // (the lookup runs on the store, which now holds them: so a start's results never rule out the next's)
    const lookup = workspaceLookup(db);
    const inWorkspace = (smiles: string[]) => {
      const here = lookup(smiles);
      const own = new Set((db.prepare('SELECT canonical_smiles AS s FROM molecules WHERE collection_id = ?').all(cid) as { s: string }[]).map((r) => r.s));
      return smiles.map((x, i) => here[i] && !own.has(x));
    };
    // positions are 1-based in every collection (the contract's MoleculeRow.position), in the order found
    let decodesBefore = 0, improved = 0, position = countMolecules(db, cid) + 1;
    let best: { value: number; smiles: string } | null = null;
    const write = (r: OptimizeResult) => {
      const kept = r.results.slice(0, args.keepPerStart);
      if (!kept.length) return;
      const createdAt = new Date().toISOString();
      db.transaction(() => {
        const first = position;
        insertMolecules(db, cid, kept.map((c, k) => ({
          position: position++, name: `${r.input} → ${k + 1}`, smiles: c.smiles!, canonicalSmiles: c.smiles!, sourceLine: null,
          userProps: {
            input: r.input, similarity: c.facts?.similarity ?? null, improvement: r.improvements[k], ...Object.fromEntries(names.map((n, i) => [n, c.values[i]])),
            method: s.method, iteration: c.iteration, found_at_decode: c.decodes, operation: 'optimize', seed: r.seed?.canonical ?? null, start_held: describeHold(r.hold),
            parameters: JSON.stringify(params), model: m.name, model_sha256: m.manifestSha256, random_seed: r.randomSeed, created_at: createdAt,
          },
        })));
        const ids = db.prepare('SELECT id FROM molecules WHERE collection_id = ? AND position >= ? ORDER BY position').all(cid, first) as { id: number }[];
        setProperties(db, ids.map(({ id }, k) => ({ id, props: kept[k].facts!.props })));
        const n = countMolecules(db, cid);
        updateCollectionCounts(db, cid, { moleculeCount: n, propertiesDone: n });
      }).immediate();
      ctx.emit('collections.changed', { collectionId: cid });
    };
    const results: OptimizeResult[] = [];
    for (let i = 0; i < args.starts.length && !ctx.signal.aborted; i++) {
      // the chemist's taste follows the ratings given while the job runs: refitted before each start when they changed
      if (i > 0 && (await surrogates.refreshTaste())) live.surrogates = [...surrogates.fits.values()];
      const r = await optimizeOne({
        model: m, inWorkspace, inverter: inverter ?? undefined,
        control: {
          stopped: () => ctx.signal.aborted,
          progress: (ev) => {
            live.report(i, decodesBefore + ev.decodes, ev);
            const top = ev.feasible()[0];
            if (top && (!best || top.score > best.value)) best = { value: top.score, smiles: top.smiles! };
            const b = best as { value: number; smiles: string } | null;
            ctx.progress(decodesBefore + ev.decodes, total, `start ${i + 1} of ${args.starts.length}${b ? `; best ${label} score ${b.value.toFixed(3)}: ${b.smiles}` : ''}`);
          },
        },
      }, args.starts[i], s, i);
      decodesBefore += r.decodes;
      live.flush();
      if (r.results.length) improved++;
      write(r);
      results.push(r);
    }
    return { collectionId: cid, starts: results.length, improved, molecules: countMolecules(db, cid), decodes: decodesBefore, cancelled: ctx.signal.aborted };
  } finally {
    await inverter?.close();
    await model?.close();
    db.close();
  }
};
