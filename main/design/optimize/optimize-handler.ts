// The contract's design.optimize: checks the request now (objectives, constraints, SMARTS, the model), so a
// mistake is a 400 at once rather than a failed job later, then starts the 'optimize' job over the starts
// given or every molecule of a collection.
import type { Handlers, Job } from '../../api/contract.ts';
import { badRequest, requireCollection } from '../../handlers/errors.ts';
import type { Db } from '../../store/db.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import type { ModelService } from '../model-service.ts';
import { ConstraintError } from './constraints.ts';
import { ObjectiveError } from './objectives.ts';
import { OptimizeSettingsError } from './optimize.ts';
import { OptimizeJobArgs, jobSettings } from './optimize-job.ts';

export interface OptimizeHandlerDeps {
  db: Db;
  startJob: (kind: Job['kind'], title: string, args: unknown) => number;
  model: (ref?: string) => Promise<ModelService>;
}

export function optimizeHandlers(d: OptimizeHandlerDeps): Pick<Handlers, 'design.optimize'> {
  return {
    'design.optimize': async ({ starts, collectionId, model: ref, name, ...rest }) => {
      if ((starts === undefined) === (collectionId === undefined)) throw badRequest('Give the start molecules or a collection, one of the two.');
      let title = `${starts?.length ?? 0} molecule${starts?.length === 1 ? '' : 's'}`;
      let list = starts ?? [];
      if (collectionId !== undefined) {
        const c = requireCollection(d.db, collectionId);
        list = (d.db.prepare('SELECT canonical_smiles AS s FROM molecules WHERE collection_id = ? ORDER BY position, id').all(collectionId) as { s: string }[]).map((r) => r.s);
        if (!list.length) throw badRequest(`The collection ${c.name} has no molecules to start from.`);
        if (list.length > 10_000) throw badRequest(`The collection ${c.name} has ${list.length} molecules; optimize at most 10,000 at a time.`);
        title = c.name;
      }
      const m = await d.model(ref);
      const args = OptimizeJobArgs.parse({ ...rest, starts: list, modelDir: m.dir, name });
      await loadRDKit();
      try {
        jobSettings(args);
      } catch (err) {
        if (err instanceof ObjectiveError || err instanceof ConstraintError || err instanceof OptimizeSettingsError) throw badRequest(err.message);
        throw err;
      }
      return { jobId: d.startJob('optimize', `Optimize ${title}: ${args.objectives.join(', ')}`, args) };
    },
  };
}
