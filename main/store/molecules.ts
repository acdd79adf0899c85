// Molecules repository: bulk insert (the import job's hot path), property updates, and the sorted window the
// virtualized table asks for.
import type { MoleculeProps, MoleculeRow } from '../api/contract.ts';
import type { Db } from './db.ts';
import { jsonOrNull, parseJson } from './json.ts';

export interface NewMolecule {
  position: number;
  name: string | null;
  smiles: string;
  canonicalSmiles: string;
  sourceLine: number | null;
  userProps?: Record<string, unknown> | null;
}

/** Inserts rows; the caller wraps batches in a transaction (one per few thousand rows). */
export function insertMolecules(db: Db, collectionId: number, rows: readonly NewMolecule[]): void {
  const stmt = db.prepare(
    'INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, source_line, user_props) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of rows) stmt.run(collectionId, r.position, r.name, r.smiles, r.canonicalSmiles, r.sourceLine, jsonOrNull(r.userProps));
}

export function countMolecules(db: Db, collectionId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM molecules WHERE collection_id = ?').get(collectionId) as { n: number }).n;
}

/** The property columns with a typed, indexed copy (the rest live only in the props JSON). */
export const TYPED_PROPERTIES = ['mol_wt', 'clogp', 'tpsa', 'hbd', 'hba'] as const;

export interface PropertyUpdate {
  id: number;
  props: MoleculeProps;
}

/** Writes computed properties: the JSON and the typed copies. */
export function setProperties(db: Db, updates: readonly PropertyUpdate[]): void {
  const stmt = db.prepare('UPDATE molecules SET props = ?, mol_wt = ?, clogp = ?, tpsa = ?, hbd = ?, hba = ? WHERE id = ?');
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  for (const u of updates) {
    const p = u.props;
    stmt.run(JSON.stringify(p), num(p.mol_wt), num(p.clogp), num(p.tpsa), num(p.hbd), num(p.hba), u.id);
  }
}

/** Molecules of a collection whose properties are not computed yet, in id order, after `afterId`. */
export function moleculesWithoutProperties(db: Db, collectionId: number, afterId: number, limit: number): { id: number; canonicalSmiles: string }[] {
  return db
    .prepare('SELECT id, canonical_smiles AS canonicalSmiles FROM molecules WHERE collection_id = ? AND id > ? AND props IS NULL ORDER BY id LIMIT ?')
    .all(collectionId, afterId, limit) as { id: number; canonicalSmiles: string }[];
}

export function countWithProperties(db: Db, collectionId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM molecules WHERE collection_id = ? AND props IS NOT NULL').get(collectionId) as { n: number }).n;
}

interface Row {
  id: number;
  collection_id: number;
  position: number;
  name: string | null;
  smiles: string;
  canonical_smiles: string;
  source_line: number | null;
  props: string | null;
  user_props: string | null;
}

const toMolecule = (r: Row): MoleculeRow => ({
  id: r.id,
  collectionId: r.collection_id,
  position: r.position,
  name: r.name,
  smiles: r.smiles,
  canonicalSmiles: r.canonical_smiles,
  sourceLine: r.source_line,
  props: parseJson<MoleculeProps>(r.props, {}),
  userProps: parseJson<MoleculeProps>(r.user_props, {}),
});

export interface SortKey {
  key: string;
  descending: boolean;
}

/** The SQL expression a sort key orders by, and its bound parameter (a JSON path) if any. */
function sortExpression(key: string): { expr: string; param?: string } {
  if (key === 'position') return { expr: 'position' };
  if (key === 'name') return { expr: 'name' };
  if (key === 'smiles') return { expr: 'smiles' };
  if (key === 'canonicalSmiles') return { expr: 'canonical_smiles' };
  if ((TYPED_PROPERTIES as readonly string[]).includes(key)) return { expr: key };
  const user = key.startsWith('user:');
  const name = user ? key.slice(5) : key;
  if (!name || /["\\]/.test(name)) throw new Error(`Cannot sort by '${key}': not a column name.`);
  return { expr: `json_extract(${user ? 'user_props' : 'props'}, ?)`, param: `$."${name}"` };
}

/**
 * One window of a collection in the requested order; rows without a value for the key come last in both
 * directions. Done as two range queries (valued rows, then the empty ones in file order) so that ordering by
 * an indexed column stays an index walk: SQLite's NULLS LAST would otherwise force a full sort.
 */
export function listMolecules(db: Db, collectionId: number, offset: number, limit: number, sort?: SortKey): MoleculeRow[] {
  const { expr, param } = sortExpression(sort?.key ?? 'position');
  const dir = sort?.descending ? 'DESC' : 'ASC';
  const p = param === undefined ? [] : [param];
  const valued = (db.prepare(`SELECT count(*) AS n FROM molecules WHERE collection_id = ? AND ${expr} IS NOT NULL`).get(collectionId, ...p) as { n: number }).n;
  const rows: Row[] = [];
  if (offset < valued) {
    rows.push(
      ...(db
        .prepare(`SELECT * FROM molecules WHERE collection_id = ? AND ${expr} IS NOT NULL ORDER BY ${expr} ${dir}, id ${dir} LIMIT ? OFFSET ?`)
        .all(collectionId, ...p, ...p, limit, offset) as Row[]),
    );
  }
  if (rows.length < limit) {
    rows.push(
      ...(db
        .prepare(`SELECT * FROM molecules WHERE collection_id = ? AND ${expr} IS NULL ORDER BY position LIMIT ? OFFSET ?`)
        .all(collectionId, ...p, limit - rows.length, Math.max(0, offset - valued)) as Row[]),
    );
  }
  return rows.map(toMolecule);
}
