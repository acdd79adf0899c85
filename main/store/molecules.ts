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

/** The model's confidence (migration 011) by key, as the map names it (store/latent.ts CONFIDENCE_KEYS). */
const MODEL_COLUMNS: Record<string, string> = { 'model:fit': 'neg_elbo', 'model:held': 'held' };
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The SQL expression for a key: one of the row's own columns, a typed property ('mol_wt'), a computed property
 * kept in JSON ('qed') or a user column ('user:pIC50'); null when the name cannot go into SQL. JSON paths are
 * literals (never bound parameters) so that SQLite can match a query to its expression index.
 *
 * 'model:fit' and 'model:held' are the model's confidence (issue 13): a lookup of latent_vectors by its primary
 * key (model, molecule) for the model `modelSha256` (the active one; a hex literal, checked, so the expression
 * stays one string like the others), NULL for every row without a model. The query's table must be `molecules`
 * without an alias.
 */
export function columnExpression(key: string, modelSha256?: string | null): string | null {
  const modelColumn = MODEL_COLUMNS[key];
  if (modelColumn) {
    if (!modelSha256 || !SHA256.test(modelSha256)) return 'NULL';
    return `(SELECT ${modelColumn} FROM latent_vectors WHERE model_sha256 = '${modelSha256}' AND molecule_id = molecules.id)`;
  }
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

/** Sort keys with an index of their own (migrations 001, 002): a window of them is an index walk. */
const INDEXED_SORTS = new Set<string>(['position', 'name', 'canonical_smiles', ...TYPED_PROPERTIES]);

/** The SQL expression a sort key orders by. */
function sortExpression(key: string, modelSha256?: string | null): string {
  const expr = columnExpression(key, modelSha256);
  if (expr === null) throw new Error(`Cannot sort by '${key}': not a column name.`);
  return expr;
}

/**
 * One window of a collection in the requested order; rows without a value for the key come last in both
 * directions, in file order. A key with an index (INDEXED_SORTS) is two range queries (valued rows, then the
 * empty ones) so that ordering stays an index walk: SQLite's NULLS LAST would otherwise force a full sort.
 * Any other key (a JSON property such as QED, a user column, the SMILES as written) is sorted without an
 * index: an index per key grew workspaces without bound (issue 18, item 5), so the order is computed once
 * and kept (sortedIds) while the workspace does not change. The model's confidence ('model:fit') is one of those,
 * read for the model `modelSha256`.
 */
export function listMolecules(db: Db, collectionId: number, offset: number, limit: number, sort?: SortKey, modelSha256?: string | null): MoleculeRow[] {
  const expr = sortExpression(sort?.key ?? 'position', modelSha256);
  if (!INDEXED_SORTS.has(expr)) return windowOfSortedIds(db, collectionId, expr, offset, limit, sort?.descending ?? false, modelOrder(sort?.key, modelSha256));
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

/** A collection's ids in one key's order: the valued rows ascending by (value, id), then the empty ones by id. */
interface SortedIds {
  /** when it was read: PRAGMA data_version (commits of other connections) and total_changes() (this one's) */
  stamp: string;
  ids: Float64Array;
  valued: number;
}

/** Orders kept per connection: 250k ids are 2 MB, and a table is scrolled in one or two orders at a time. */
const CACHED_SORTS = 4;
const sortedCache = new WeakMap<Db, Map<string, SortedIds>>();

/**
 * How a model's confidence is ordered: the model's scored vectors of the collection by value (a range of
 * latent_vectors' primary key, then the molecule by rowid), then the collection's other molecules by id. About
 * three times faster on 250k molecules than ordering by the per-row lookup (the first window after a write,
 * 0.3 s against 0.7-1.8 s at load 5), which would look each molecule up three times. Null for other keys.
 */
function modelOrder(key: string | undefined, modelSha256: string | null | undefined): ((db: Db, collectionId: number) => [number, number][]) | null {
  const column = key === undefined ? undefined : MODEL_COLUMNS[key];
  if (!column || !modelSha256 || !SHA256.test(modelSha256)) return null;
  return (db, collectionId) => {
    const valued = db
      .prepare(
        `SELECT m.id FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id
         WHERE v.model_sha256 = ? AND m.collection_id = ? AND v.${column} IS NOT NULL ORDER BY v.${column}, m.id`,
      )
      .pluck()
      .all(modelSha256, collectionId) as number[];
    const seen = new Set(valued);
    const rows: [number, number][] = valued.map((id) => [id, 1]);
    for (const id of db.prepare('SELECT id FROM molecules WHERE collection_id = ? ORDER BY id').pluck().iterate(collectionId) as Iterable<number>) {
      if (!seen.has(id)) rows.push([id, 0]);
    }
    return rows;
  };
}

const writeStamp = (db: Db) => `${db.pragma('data_version', { simple: true })} ${db.prepare('SELECT total_changes()').pluck().get()}`;

/**
 * The order of a key without an index, from the cache while nothing was written to the workspace since it
 * was read (by this connection or another process), else sorted again: one pass over the collection (about
 * 0.3 s for 250k molecules) instead of one per window, and no SELECT * through a sorter with a large OFFSET
 * (seconds deep into a 250k collection).
 */
function sortedIds(db: Db, collectionId: number, expr: string, read: ((db: Db, collectionId: number) => [number, number][]) | null): SortedIds {
  const cache = sortedCache.get(db) ?? new Map<string, SortedIds>();
  sortedCache.set(db, cache);
  const key = `${collectionId} ${expr}`;
  const stamp = writeStamp(db);
  const hit = cache.get(key);
  cache.delete(key);
  if (hit && hit.stamp === stamp) {
    cache.set(key, hit); // most recently used last
    return hit;
  }
  const rows = read
    ? read(db, collectionId)
    : (db
        .prepare(`SELECT id, ${expr} IS NOT NULL FROM molecules WHERE collection_id = ? ORDER BY ${expr} IS NULL, ${expr}, id`)
        .raw()
        .all(collectionId) as [number, number][]);
  const ids = new Float64Array(rows.length);
  let valued = 0;
  rows.forEach(([id, v], i) => {
    ids[i] = id;
    valued += v;
  });
  const sorted = { stamp, ids, valued };
  cache.set(key, sorted);
  while (cache.size > CACHED_SORTS) cache.delete(cache.keys().next().value!);
  return sorted;
}

function windowOfSortedIds(
  db: Db,
  collectionId: number,
  expr: string,
  offset: number,
  limit: number,
  descending: boolean,
  read: ((db: Db, collectionId: number) => [number, number][]) | null = null,
): MoleculeRow[] {
  const { ids, valued } = sortedIds(db, collectionId, expr, read);
  const wanted: number[] = [];
  for (let i = offset; i < Math.min(ids.length, offset + limit); i++) {
    // descending: the valued part reversed (value DESC, id DESC), the empty rows still last in file order
    wanted.push(descending && i < valued ? ids[valued - 1 - i] : ids[i]);
  }
  if (!wanted.length) return [];
  const byId = new Map<number, MoleculeDbRow>();
  // in chunks of 1000: a statement takes at most 32,766 parameters, and store callers may ask for any limit
  for (let k = 0; k < wanted.length; k += 1000) {
    const chunk = wanted.slice(k, k + 1000);
    for (const r of db.prepare(`SELECT * FROM molecules WHERE id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as MoleculeDbRow[]) byId.set(r.id, r);
  }
  // a row deleted since the order was read is skipped (the stamp makes that a moment's race at most)
  return wanted.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toMolecule(r)] : [];
  });
}
