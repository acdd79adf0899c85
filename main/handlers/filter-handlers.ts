// Filter, statistics, search, export and join: the chemistry calls over a stored collection.
import type { Handlers } from '../api/contract.ts';
import type { Db } from '../store/db.ts';

type ChemCalls = 'collections.propertyStats' | 'collections.createFromFilter' | 'collections.export' | 'collections.joinValues' | 'chem.search';

export function chemHandlers(_db: Db, _workspace: string): Pick<Handlers, ChemCalls> {
  const todo = async (): Promise<never> => {
    throw new Error('Not implemented yet.');
  };
  return {
    'collections.propertyStats': todo,
    'collections.createFromFilter': todo,
    'collections.export': todo,
    'collections.joinValues': todo,
    'chem.search': todo,
  };
}
