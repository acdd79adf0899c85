// The contract's design.optimize: checks the request now (objectives, constraints, SMARTS, the model), so a
// mistake is a 400 at once rather than a failed job later, then starts the 'optimize' job over the starts
// given or every molecule of a collection. design.surrogates: the objectives a collection offers beyond the
// computed properties (its measured columns, the chemist's taste) with their surrogates' cross-validated R².
import type { Handlers, Job } from '../../api/contract.ts';
import { badRequest, requireCollection } from '../../handlers/errors.ts';
import type { Db } from '../../store/db.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import type { ModelService } from '../model-service.ts';
import { ConstraintError } from './constraints.ts';
import { ObjectiveError } from './objectives.ts';
import { OptimizeSettingsError } from './optimize.ts';
import { OptimizeJobArgs, jobSettings } from './optimize-job.ts';
import { WorkspaceSurrogates, numericColumns, ratedCandidates } from './workspace-surrogates.ts';

export interface OptimizeHandlerDeps {
  db: Db;
  startJob: (kind: Job['kind'], title: string, args: unknown) => number;
  model: (ref?: string) => Promise<ModelService>;
}

export function optimizeHandlers(d: OptimizeHandlerDeps): Pick<Handlers, 'design.optimize' | 'design.surrogates'> {
  return {
    'design.surrogates': async ({ collectionId, fit, features }) => {
      const c = collectionId !== undefined ? requireCollection(d.db, collectionId) : null;
      await loadRDKit();
      const surrogates = new WorkspaceSurrogates(d.db, { collectionId, features, seed: 0, model: () => d.model() });
      return {
        columns: c ? numericColumns(d.db, c.id, c.userColumns) : [],
        rated: ratedCandidates(d.db).length,
        fits: await surrogates.preview(fit),
      };
    },
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
      const surrogateCollectionId = rest.surrogateCollectionId ?? collectionId;
      if (surrogateCollectionId !== undefined) requireCollection(d.db, surrogateCollectionId);
      const args = OptimizeJobArgs.parse({ ...rest, surrogateCollectionId, starts: list, modelDir: m.dir, name });
      await loadRDKit();
      try {
        // surrogates (a measured column, the star ratings) fitted now: too few values is a 400, not a failed job
        const surrogates = new WorkspaceSurrogates(d.db, { collectionId: surrogateCollectionId, features: args.surrogateFeatures, seed: args.randomSeed, model: async () => m });
        await surrogates.resolve(args.objectives);
        jobSettings(args, surrogates.customs);
      } catch (err) {
        if (err instanceof ObjectiveError || err instanceof ConstraintError || err instanceof OptimizeSettingsError) throw badRequest(err.message);
        throw err;
      }
      return { jobId: d.startJob('optimize', `Optimize ${title}: ${args.objectives.join(', ')}`, args) };
    },
  };
}
