// A shortlist: N diverse molecules picked from a collection, the molecules passing a filter, or a selection
// (MaxMin on Morgan fingerprints, seeded, optionally weighted by a property; main/chem/diversity.ts), kept as a
// new candidate list. The picks are copied with their properties and the file's own columns, and each carries
// its provenance (operation 'shortlist', the parameters, the random seed) like any kept candidate.
import type { Handlers, MoleculeFilter } from '../api/contract.ts';
import { FP_WORDS } from '../chem/fingerprint.ts';
import { maxMinPick, meanPairwiseTanimoto, rankWeights } from '../chem/diversity.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import type { Db } from '../store/db.ts';
import { CANDIDATE_COLUMNS, candidateColumns } from './candidate-handlers.ts';
import { badRequest, requireCollection } from './errors.ts';
import { keyExpression } from './molecule-query.ts';
import type { WhereFor } from './plot-handlers.ts';

export interface ShortlistRequest {
  collectionId: number;
  count: number;
  randomSeed: number;
  filter?: MoleculeFilter;
  ids?: number[];
  weightBy?: { key: string; direction: 'max' | 'min' };
}

export interface Shortlist {
  /** molecule ids of the source collection, in pick order */
  picks: number[];
  /** molecules the picks were made from (those RDKit could read) */
  pool: number;
  /** mean pairwise Tanimoto of the picks (lower: more diverse) */
  meanTanimoto: number;
}

/** A collection's fingerprints by molecule id (the search index's, computed once per collection). */
export type FingerprintsFor = (collectionId: number) => Promise<(id: number) => Uint32Array | null>;

/** The picks alone. */
export async function pickShortlist(db: Db, whereFor: WhereFor, fingerprints: FingerprintsFor, r: ShortlistRequest): Promise<Shortlist> {
  await loadRDKit();
  if (r.weightBy) keyExpression(r.weightBy.key); // a bad key is a 400 before the filter's search
  const where = await whereFor(r.collectionId, r.filter);
  const weightExpr = r.weightBy ? keyExpression(r.weightBy.key, where.modelSha256) : 'NULL';
  let sql = `SELECT id, CASE WHEN typeof(${weightExpr}) IN ('integer', 'real') THEN ${weightExpr} END AS w FROM molecules WHERE ${where.sql}`;
  const params = [...where.params];
  if (r.ids) {
    sql += ' AND id IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(r.ids));
  }
  const rows = db.prepare(`${sql} ORDER BY id`).all(...params) as { id: number; w: number | null }[];
  const kept: typeof rows = [];
  const fps = new Uint32Array(rows.length * FP_WORDS);
  const fingerprintOf = await fingerprints(r.collectionId);
  for (const row of rows) {
    const fp = fingerprintOf(row.id);
    if (!fp) continue;
    fps.set(fp, kept.length * FP_WORDS);
    kept.push(row);
  }
  const pool = fps.subarray(0, kept.length * FP_WORDS);
  const weights = r.weightBy ? rankWeights(kept.map((k) => k.w), r.weightBy.direction) : undefined;
  const positions = maxMinPick(pool, { count: r.count, seed: r.randomSeed, weights });
  return { picks: positions.map((p) => kept[p].id), pool: kept.length, meanTanimoto: meanPairwiseTanimoto(pool, positions) };
}

export function shortlistHandlers(db: Db, whereFor: WhereFor, fingerprints: FingerprintsFor, onChanged: (collectionId: number) => void): Pick<Handlers, 'candidates.shortlist'> {
  return {
    'candidates.shortlist': async ({ collectionId, count, randomSeed, filter, ids, weightBy, listName }) => {
      const source = requireCollection(db, collectionId);
      const { picks, pool, meanTanimoto } = await pickShortlist(db, whereFor, fingerprints, { collectionId, count, randomSeed, filter, ids, weightBy });
      if (!picks.length) throw badRequest(`Nothing to pick from: no molecule of '${source.name}' ${ids ? 'in the selection' : filter ? 'passes the filter' : 'could be read'}.`);
      const now = new Date().toISOString();
      const provenance = {
        operation: 'shortlist' as const,
        seed: null,
        params: {
          method: 'MaxMin on Morgan fingerprints (radius 2, 2048 bits), Tanimoto distance',
          from: ids ? 'selection' : filter ? 'filter' : 'collection',
          collection: source.name,
          collectionId,
          ...(filter ? { filter } : {}),
          ...(ids ? { selected: ids.length } : {}),
          ...(weightBy ? { weightBy } : {}),
          pool,
          count: picks.length,
          meanTanimoto: Number(meanTanimoto.toFixed(4)),
        },
        model: null,
        modelSha256: null,
        randomSeed,
        createdAt: now,
      };
      const listId = db.transaction(() => {
        const id = createCollection(db, { name: listName, kind: 'candidates', sourcePath: source.sourcePath });
        const insert = db.prepare(
          `INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, source_line, props, mol_wt, clogp, tpsa, hbd, hba, user_props)
           SELECT ?, ?, name, smiles, canonical_smiles, source_line, props, mol_wt, clogp, tpsa, hbd, hba, json_patch(coalesce(user_props, '{}'), ?)
           FROM molecules WHERE id = ?`,
        );
        picks.forEach((moleculeId, i) => {
          // the pick order is kept as a column too: the first picks span the set best
          const user = { ...candidateColumns(provenance, 0, '', now), pick: i + 1 };
          insert.run(id, i + 1, JSON.stringify(user), moleculeId);
        });
        const done = (db.prepare('SELECT count(*) AS n FROM molecules WHERE collection_id = ? AND props IS NOT NULL').get(id) as { n: number }).n;
        const columns = [...CANDIDATE_COLUMNS, 'pick', ...source.userColumns.filter((c) => !(CANDIDATE_COLUMNS as readonly string[]).includes(c) && c !== 'pick')];
        updateCollectionCounts(db, id, { moleculeCount: picks.length, propertiesDone: done, problemCount: 0, duplicateCount: 0, userColumns: columns });
        return id;
      }).immediate();
      onChanged(listId);
      return { list: requireCollection(db, listId), picked: picks.length, pool, meanTanimoto };
    },
  };
}
