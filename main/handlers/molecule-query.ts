// Filtered windows of a collection, in SQL: each property range becomes a comparison on the typed column
// (mol_wt, clogp, tpsa, hbd, hba) or on json_extract of the props / user_props JSON; a substructure becomes
// the list of matching molecule ids from the collection's MoleculeIndex (see search-index.ts).
import type { MoleculeFilter, MoleculeRow } from '../api/contract.ts';
import type { Db } from '../store/db.ts';
import { confidenceByIds } from '../store/latent.ts';
import { columnExpression, toMolecule, type MoleculeDbRow } from '../store/molecules.ts';
import { badRequest } from './errors.ts';

/**
 * The SQL expression for a property key: 'mol_wt', 'qed', 'user:pIC50', one of the row's own columns, or the
 * model's confidence ('model:fit', 'model:held') for the model `modelSha256` (the active one).
 */
export function keyExpression(key: string, modelSha256?: string | null): string {
  const expr = columnExpression(key, modelSha256);
  if (expr === null) throw badRequest(`'${key}' is not a property or column name.`);
  return expr;
}

export interface Where {
  sql: string;
  params: unknown[];
  /** the model whose confidence 'model:fit' / 'model:held' read (its sort, its plot columns); none: empty */
  modelSha256?: string | null;
}

/**
 * The WHERE clause for a collection and a filter. `matchingIds` is the substructure's matches (already
 * computed by the caller, since that needs RDKit); rows without a value for a ranged key do not pass.
 */
export function whereClause(collectionId: number, filter: MoleculeFilter | undefined, matchingIds?: readonly number[], modelSha256?: string | null): Where {
  const parts = ['collection_id = ?'];
  const params: unknown[] = [collectionId];
  for (const r of filter?.ranges ?? []) {
    const expr = keyExpression(r.key, modelSha256);
    if (r.min === undefined && r.max === undefined) continue;
    // a number only: text values ('n/a', '>10') are not in any numeric range
    parts.push(`typeof(${expr}) IN ('integer', 'real')`);
    if (r.min !== undefined) {
      parts.push(`${expr} >= ?`);
      params.push(r.min);
    }
    if (r.max !== undefined) {
      parts.push(`${expr} <= ?`);
      params.push(r.max);
    }
  }
  if (matchingIds) {
    parts.push('id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(matchingIds));
  }
  return { sql: parts.join(' AND '), params, modelSha256 };
}

export function countWhere(db: Db, where: Where): number {
  return (db.prepare(`SELECT count(*) AS n FROM molecules WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
}

/** A window of the filtered rows; rows without a value for the sort key come last either way. */
export function listWhere(db: Db, where: Where, offset: number, limit: number, sort?: { key: string; descending: boolean }): MoleculeRow[] {
  const expr = keyExpression(sort?.key ?? 'position', where.modelSha256);
  const dir = sort?.descending ? 'DESC' : 'ASC';
  const rows = db
    .prepare(`SELECT * FROM molecules WHERE ${where.sql} ORDER BY (${expr}) IS NULL, ${expr} ${dir}, id ${dir} LIMIT ? OFFSET ?`)
    .all(...where.params, limit, offset) as MoleculeDbRow[];
  return rows.map(toMolecule);
}

/**
 * Every filtered row in file order, a page at a time (export). Each page is read whole, by position after the last
 * one's (unique in a collection): while a statement iterates, better-sqlite3 refuses every other query on the
 * connection, so a reader that awaits between rows (an export writing its file) must hold no statement open, or a
 * job's progress written meanwhile throws "This database connection is busy executing a query".
 */
export function* pagesWhere(db: Db, where: Where, pageSize = 500): Generator<MoleculeRow[]> {
  const stmt = db.prepare(`SELECT * FROM molecules WHERE ${where.sql} AND position > ? ORDER BY position LIMIT ?`);
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = stmt.all(...where.params, after, pageSize) as MoleculeDbRow[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1].position;
    yield rows.map(toMolecule);
    if (rows.length < pageSize) return;
  }
}

/** Every filtered row in file order, one at a time, with no statement open between rows (pagesWhere). */
export function* rowsWhere(db: Db, where: Where): Generator<MoleculeRow> {
  for (const page of pagesWhere(db, where)) yield* page;
}

/** The molecules with these ids, in the order given. */
export function moleculesByIds(db: Db, ids: readonly number[]): MoleculeRow[] {
  if (!ids.length) return [];
  const rows = db.prepare('SELECT * FROM molecules WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as MoleculeDbRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [toMolecule(byId.get(id)!)] : []));
}

/** Rows with the model's confidence in each (`modelSha256`: the active model; none: the rows as they are). */
export function withConfidence<R extends MoleculeRow>(db: Db, rows: R[], modelSha256: string | null | undefined): R[] {
  if (!modelSha256 || !rows.length) return rows;
  const byId = confidenceByIds(db, modelSha256, rows.map((r) => r.id));
  return rows.map((r) => {
    const confidence = byId.get(r.id);
    return confidence ? { ...r, confidence } : r;
  });
}
