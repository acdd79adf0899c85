// Candidate lists: collections of kind 'candidates'. A kept molecule is an ordinary molecule row, its
// properties computed at once, and its rating, note and provenance stored as user columns, so the lists view
// is the same table with the same filters and sorting, and the existing CSV / SD / SMILES export carries the
// provenance for free.
import type { Collection, Handlers, MoleculeProps, Provenance } from '../api/contract.ts';
import { propertiesOf } from '../chem/properties.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { canonicalSmiles } from '../design/canonical.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import type { Db } from '../store/db.ts';
import { insertMolecules, setProperties, toMolecule, type MoleculeDbRow } from '../store/molecules.ts';
import { badRequest, notFound, requireCollection } from './errors.ts';

type CandidateCalls = 'candidates.keep' | 'candidates.update' | 'candidates.remove';

/** The user columns of a candidate list, in table order. */
export const CANDIDATE_COLUMNS = ['rating', 'note', 'operation', 'seed', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at', 'kept_at'] as const;

export const DEFAULT_LIST_NAME = 'Candidates';

/** The user columns of a kept molecule: rating, note and its provenance (parameters as JSON text). */
export function candidateColumns(p: Provenance, rating: number, note: string, keptAt: string): MoleculeProps {
  return {
    rating,
    note,
    operation: p.operation,
    seed: p.seed,
    parameters: JSON.stringify(p.params),
    model: p.model,
    model_sha256: p.modelSha256,
    random_seed: p.randomSeed,
    created_at: p.createdAt,
    kept_at: keptAt,
  };
}

export function candidateHandlers(db: Db, onChanged: (collectionId: number) => void): { handlers: Pick<Handlers, CandidateCalls> } {
  const moleculeRow = (id: number) => db.prepare('SELECT * FROM molecules WHERE id = ?').get(id) as MoleculeDbRow | undefined;

  /** The list a keep goes to: by id (must be a candidate list), else by name (the newest of that name, or a new one). */
  const listFor = (listId: number | undefined, listName: string | undefined): Collection => {
    if (listId !== undefined) {
      const c = requireCollection(db, listId);
      if (c.kind !== 'candidates') throw badRequest(`The collection '${c.name}' (id ${listId}) is not a candidate list.`);
      return c;
    }
    const name = listName ?? DEFAULT_LIST_NAME;
    const row = db.prepare("SELECT id FROM collections WHERE kind = 'candidates' AND name = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 1").get(name) as { id: number } | undefined;
    if (row) return requireCollection(db, row.id);
    const id = createCollection(db, { name, kind: 'candidates' });
    updateCollectionCounts(db, id, { userColumns: [...CANDIDATE_COLUMNS] });
    return requireCollection(db, id);
  };

  /** A molecule of a candidate list, for update and remove. */
  const requireCandidate = (moleculeId: number): MoleculeDbRow => {
    const row = moleculeRow(moleculeId);
    if (!row) throw notFound(`There is no molecule with id ${moleculeId} in this workspace.`);
    const c = requireCollection(db, row.collection_id);
    if (c.kind !== 'candidates') throw badRequest(`The molecule ${moleculeId} is in '${c.name}', which is not a candidate list.`);
    return row;
  };

  const recount = (collectionId: number) => {
    const r = db
      .prepare('SELECT count(*) AS n, count(props) AS done FROM molecules WHERE collection_id = ?')
      .get(collectionId) as { n: number; done: number };
    updateCollectionCounts(db, collectionId, { moleculeCount: r.n, propertiesDone: r.done });
  };

  const handlers: Pick<Handlers, CandidateCalls> = {
    'candidates.keep': async ({ listId, listName, smiles, name, provenance, rating, note }) => {
      await loadRDKit();
      const canonical = canonicalSmiles(smiles.trim());
      if (!canonical) throw badRequest(`RDKit cannot read the SMILES '${smiles}'.`);
      const computed = propertiesOf(canonical);
      const props: MoleculeProps = 'properties' in computed ? computed.properties : {};
      const user = candidateColumns(provenance, rating, note, new Date().toISOString());
      const { list, id } = db.transaction(() => {
        const list = listFor(listId, listName);
        const position = (db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM molecules WHERE collection_id = ?').get(list.id) as { p: number }).p;
        insertMolecules(db, list.id, [{ position, name: name || null, smiles: canonical, canonicalSmiles: canonical, sourceLine: null, userProps: user }]);
        const id = (db.prepare('SELECT id FROM molecules WHERE collection_id = ? AND position = ?').get(list.id, position) as { id: number }).id;
        setProperties(db, [{ id, props }]);
        // a list made before a column was added (or renamed by hand) still shows every provenance column
        const columns = [...list.userColumns, ...CANDIDATE_COLUMNS.filter((k) => !list.userColumns.includes(k))];
        updateCollectionCounts(db, list.id, { userColumns: columns });
        recount(list.id);
        return { list, id };
      }).immediate();
      onChanged(list.id);
      return { list: requireCollection(db, list.id), molecule: toMolecule(moleculeRow(id)!) };
    },

    'candidates.update': async ({ moleculeId, rating, note }) => {
      const row = requireCandidate(moleculeId);
      const patch: Record<string, unknown> = {};
      if (rating !== undefined) patch.rating = rating;
      if (note !== undefined) patch.note = note;
      if (Object.keys(patch).length) {
        db.prepare("UPDATE molecules SET user_props = json_patch(coalesce(user_props, '{}'), ?) WHERE id = ?").run(JSON.stringify(patch), moleculeId);
        onChanged(row.collection_id);
      }
      return toMolecule(moleculeRow(moleculeId)!);
    },

    'candidates.remove': async ({ moleculeId }) => {
      if (!moleculeRow(moleculeId)) return { removed: false };
      const row = requireCandidate(moleculeId);
      db.transaction(() => {
        db.prepare('DELETE FROM molecules WHERE id = ?').run(moleculeId);
        // close the gap so positions stay 1..n; negated first because SQLite checks UNIQUE (collection, position) row by row
        db.prepare('UPDATE molecules SET position = -position WHERE collection_id = ? AND position > ?').run(row.collection_id, row.position);
        db.prepare('UPDATE molecules SET position = -position - 1 WHERE collection_id = ? AND position < 0').run(row.collection_id);
        recount(row.collection_id);
      }).immediate();
      onChanged(row.collection_id);
      return { removed: true };
    },
  };
  return { handlers };
}
