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

/** A molecules row as SQLite returns it (`SELECT *`). */
export interface MoleculeDbRow {
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

export const toMolecule = (r: MoleculeDbRow): MoleculeRow => ({
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

/** Property and user-column names that may go into SQL as a quoted JSON path: anything but quotes, backslash, control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const JSON_KEY = /^[^"'\\\u0000-\u001f]{1,200}$/;

/**
 * The SQL expression for a key: one of the row's own columns, a typed property ('mol_wt'), a computed property
 * kept in JSON ('qed') or a user column ('user:pIC50'); null when the name cannot go into SQL. JSON paths are
 * literals (never bound parameters) so that SQLite can match a query to its expression index.
 */
export function columnExpression(key: string): string | null {
  if (key === 'position') return 'position';
  if (key === 'name') return 'name';
  if (key === 'smiles') return 'smiles';
  if (key === 'canonicalSmiles') return 'canonical_smiles';
  if ((TYPED_PROPERTIES as readonly string[]).includes(key)) return key;
  const user = key.startsWith('user:');
  const name = user ? key.slice(5) : key;
  if (!JSON_KEY.test(name)) return null;
  return `json_extract(${user ? 'user_props' : 'props'}, '$."${name}"')`;
}

/** The SQL expression a sort key orders by; for JSON keys, an expression index is made on first use. */
function sortExpression(db: Db, key: string): string {
  const expr = columnExpression(key);
  if (expr === null) throw new Error(`Cannot sort by '${key}': not a column name.`);
  if (expr.startsWith('json_extract(')) ensureJsonIndex(db, expr);
  return expr;
}

const indexed = new WeakMap<Db, Set<string>>();

/**
 * Sorting by a property without a typed column (QED, a user's pIC50...) would re-sort the collection for
 * every window the table asks for; an expression index, made the first time a key is sorted on (about a
 * second for 250k rows), makes it an index walk like the typed ones.
 */
function ensureJsonIndex(db: Db, expr: string): void {
  const done = indexed.get(db) ?? new Set<string>();
  indexed.set(db, done);
  if (done.has(expr)) return;
  let h = 0;
  for (const ch of expr) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  db.exec(`CREATE INDEX IF NOT EXISTS molecules_json_${h.toString(16)} ON molecules (collection_id, ${expr})`);
  done.add(expr);
}

/**
 * One window of a collection in the requested order; rows without a value for the key come last in both
 * directions. Done as two range queries (valued rows, then the empty ones in file order) so that ordering by
 * an indexed column stays an index walk: SQLite's NULLS LAST would otherwise force a full sort.
 */
export function listMolecules(db: Db, collectionId: number, offset: number, limit: number, sort?: SortKey): MoleculeRow[] {
  const expr = sortExpression(db, sort?.key ?? 'position');
  const dir = sort?.descending ? 'DESC' : 'ASC';
  const valued = (db.prepare(`SELECT count(*) AS n FROM molecules WHERE collection_id = ? AND ${expr} IS NOT NULL`).get(collectionId) as { n: number }).n;
  const rows: MoleculeDbRow[] = [];
  if (offset < valued) {
    rows.push(
      ...(db
        .prepare(`SELECT * FROM molecules WHERE collection_id = ? AND ${expr} IS NOT NULL ORDER BY ${expr} ${dir}, id ${dir} LIMIT ? OFFSET ?`)
        .all(collectionId, limit, offset) as MoleculeDbRow[]),
    );
  }
  if (rows.length < limit) {
    // id order is file order within a collection (rows are inserted in position order), and unlike
    // position it is the order the rows already have in the key's index
    rows.push(
      ...(db
        .prepare(`SELECT * FROM molecules WHERE collection_id = ? AND ${expr} IS NULL ORDER BY id LIMIT ? OFFSET ?`)
        .all(collectionId, limit - rows.length, Math.max(0, offset - valued)) as MoleculeDbRow[]),
    );
  }
  return rows.map(toMolecule);
}
