// Half-done work is never used as done (issue 16, item 7): a collection whose import is still running (its
// importing job set) is shown with its molecules as they arrive, but nothing is designed on it, trained on
// it, exported or copied from it until the import commits. The calls below are refused with 409, naming the
// collection and its job; viewing calls (the table, filters, plots, problems) go through.
import type { CallName, Handlers } from '../api/contract.ts';
import type { Db } from '../store/db.ts';
import { UserError } from './errors.ts';

/** Calls that use a collection as finished input; the argument keys that name it. */
const USES_COLLECTION: Partial<Record<CallName, readonly string[]>> = {
  'latent.encodeCollection': ['collectionId'],
  'latent.map': ['collectionId'],
  'latent.layout': ['collectionId'],
  'models.doctor': ['collectionId'],
  'models.train': ['collectionId'],
  'design.optimize': ['collectionId', 'surrogateCollectionId'],
  'design.check': ['surrogateCollectionId'],
  'design.surrogates': ['collectionId'],
  'candidates.shortlist': ['collectionId'],
  'collections.createFromFilter': ['collectionId'],
  'collections.createFromIds': ['collectionId'],
  'collections.duplicate': ['id'],
  'collections.export': ['collectionId'],
  'collections.joinValues': ['collectionId'],
};

export function usesFinishedCollection(name: CallName): readonly string[] | undefined {
  return USES_COLLECTION[name];
}

/** The collections among `ids` that an import is still filling, with the job filling each. */
export function stillImporting(db: Db, ids: readonly number[]): { id: number; name: string; jobId: number }[] {
  if (!ids.length) return [];
  return db
    .prepare('SELECT id, name, importing_job_id AS jobId FROM collections WHERE importing_job_id IS NOT NULL AND id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(ids)) as { id: number; name: string; jobId: number }[];
}

/** Wraps the handlers that use a collection as finished input: refused (409) while it is being imported. */
export function guardImporting(handlers: Handlers, db: Db): Handlers {
  const out = { ...handlers } as Record<string, (args: unknown) => Promise<unknown>>;
  for (const [name, keys] of Object.entries(USES_COLLECTION) as [CallName, readonly string[]][]) {
    const handler = out[name];
    if (!handler) continue;
    out[name] = async (args: unknown) => {
      const a = (args ?? {}) as Record<string, unknown>;
      const ids = keys.map((k) => a[k]).filter((v): v is number => typeof v === 'number');
      const [busy] = stillImporting(db, ids);
      if (busy) throw new UserError(`The collection "${busy.name}" is still being imported (job ${busy.jobId}): it can be used once the import has finished.`, 409);
      return handler(args);
    };
  }
  return out as unknown as Handlers;
}
