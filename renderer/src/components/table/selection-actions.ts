// What the selection bar and the table's keys do with the picked molecules, through the core: read them (in
// chunks the contract allows), keep them as a list or a collection, take them out of a list with an undo.
import type { ApiClient } from '../../../../main/api/client.ts';
import type { Collection, MoleculeRow } from '../../../../main/api/contract.ts';
import type { UndoStack } from '../../state/undo.svelte.ts';

const CHUNK = 5000;

/** The molecules with these ids, in the order given. */
export async function rowsOf(client: ApiClient, ids: readonly number[]): Promise<MoleculeRow[]> {
  const rows: MoleculeRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) rows.push(...(await client.call('collections.moleculesByIds', { ids: ids.slice(i, i + CHUNK) })).rows);
  return rows;
}

export function keepAs(client: ApiClient, collectionId: number, ids: readonly number[], name: string, kind: 'candidates' | 'filtered'): Promise<Collection> {
  return client.call('collections.createFromIds', { collectionId, ids: [...ids], name, kind });
}

/** Takes candidates out of their list; the undo puts them back where they were. */
export async function removeCandidates(client: ApiClient, ids: readonly number[], listName: string, undo?: UndoStack): Promise<number> {
  const { removed, undo: token } = await client.call('candidates.removeMany', { moleculeIds: [...ids] });
  if (token !== null && undo) {
    undo.push({
      label: `Removed ${removed} candidate${removed === 1 ? '' : 's'} from '${listName}'`,
      undo: async () => void (await client.call('candidates.restore', { undo: token })),
    });
  }
  return removed;
}
