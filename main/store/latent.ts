// Latent vectors repository: which molecules of a collection still need encoding for a model, writing a
// batch of vectors (or the reason a molecule cannot be encoded), and reading a whole collection's vectors
// for the latent map in one statement, as one flat Float32Array (no per-row objects or JSON).
import type { Db } from './db.ts';
import { columnExpression } from './molecules.ts';

export interface LatentWrite {
  moleculeId: number;
  /** the encoder's mean; null with a problem when the model cannot express the molecule */
  z: Float32Array | null;
  problem?: string | null;
}

/** Molecules of a collection with no row for this model yet, in id order after `afterId`. */
export function moleculesWithoutLatent(db: Db, collectionId: number, modelSha256: string, afterId: number, limit: number): { id: number; canonicalSmiles: string }[] {
  return db
    .prepare(
      `SELECT id, canonical_smiles AS canonicalSmiles FROM molecules m
       WHERE collection_id = ? AND id > ?
         AND NOT EXISTS (SELECT 1 FROM latent_vectors v WHERE v.model_sha256 = ? AND v.molecule_id = m.id)
       ORDER BY id LIMIT ?`,
    )
    .all(collectionId, afterId, modelSha256, limit) as { id: number; canonicalSmiles: string }[];
}

export interface LatentCounts {
  molecules: number;
  /** molecules with a vector */
  encoded: number;
  /** molecules the model cannot express (not retried) */
  unencodable: number;
  /** molecules with no row yet */
  missing: number;
}

export function latentCounts(db: Db, collectionId: number, modelSha256: string): LatentCounts {
  const r = db
    .prepare(
      `SELECT count(*) AS molecules, count(v.z) AS encoded, count(v.problem) AS unencodable
       FROM molecules m LEFT JOIN latent_vectors v ON v.model_sha256 = ? AND v.molecule_id = m.id
       WHERE m.collection_id = ?`,
    )
    .get(modelSha256, collectionId) as { molecules: number; encoded: number; unencodable: number };
  return { ...r, missing: r.molecules - r.encoded - r.unencodable };
}

/** How many encoded molecules of a collection have no confidence for this model yet (moleculesWithoutConfidence's total). */
export function countWithoutConfidence(db: Db, collectionId: number, modelSha256: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id
       WHERE v.model_sha256 = ? AND m.collection_id = ? AND v.z IS NOT NULL AND v.neg_elbo IS NULL`,
    )
    .pluck()
    .get(modelSha256, collectionId) as number;
}

/** Encoded molecules of a collection whose confidence for this model is not scored yet, in id order after `afterId`. */
export function moleculesWithoutConfidence(db: Db, collectionId: number, modelSha256: string, afterId: number, limit: number): { id: number; canonicalSmiles: string }[] {
  return db
    .prepare(
      `SELECT m.id, m.canonical_smiles AS canonicalSmiles FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id
       WHERE v.model_sha256 = ? AND m.collection_id = ? AND m.id > ? AND v.z IS NOT NULL AND v.neg_elbo IS NULL
       ORDER BY m.id LIMIT ?`,
    )
    .all(modelSha256, collectionId, afterId, limit) as { id: number; canonicalSmiles: string }[];
}

/** The model's confidence in molecules it encoded (migration 011); the caller wraps a batch in a transaction. */
export function writeConfidence(db: Db, modelSha256: string, rows: readonly { moleculeId: number; negElbo: number; held: boolean }[]): void {
  const stmt = db.prepare('UPDATE latent_vectors SET neg_elbo = ?, held = ? WHERE model_sha256 = ? AND molecule_id = ? AND z IS NOT NULL');
  for (const r of rows) stmt.run(r.negElbo, r.held ? 1 : 0, modelSha256, r.moleculeId);
}

export interface Confidence {
  /** negative ELBO per token; null where the vector was written before scores were kept (the next encode scores it) */
  fit: number | null;
  held: boolean | null;
}

/** The model's confidence in the molecules it encoded among `ids` (a table's window): absent ids it did not encode. */
export function confidenceByIds(db: Db, modelSha256: string, ids: readonly number[]): Map<number, Confidence> {
  const out = new Map<number, Confidence>();
  if (!ids.length) return out;
  const rows = db
    .prepare(
      `SELECT molecule_id AS id, neg_elbo AS fit, held FROM latent_vectors
       WHERE model_sha256 = ? AND z IS NOT NULL AND molecule_id IN (SELECT value FROM json_each(?))`,
    )
    .all(modelSha256, JSON.stringify(ids)) as { id: number; fit: number | null; held: number | null }[];
  for (const r of rows) out.set(r.id, { fit: r.fit, held: r.held === null ? null : r.held === 1 });
  return out;
}

/** One molecule's confidence at a time over one prepared statement (an export's rows, as they stream). */
export function confidenceReader(db: Db, modelSha256: string): (moleculeId: number) => Confidence | undefined {
  const stmt = db.prepare('SELECT neg_elbo AS fit, held FROM latent_vectors WHERE model_sha256 = ? AND molecule_id = ? AND z IS NOT NULL');
  return (moleculeId) => {
    const r = stmt.get(modelSha256, moleculeId) as { fit: number | null; held: number | null } | undefined;
    return r && { fit: r.fit, held: r.held === null ? null : r.held === 1 };
  };
}

/** Keys of the model's confidence, for the map's colour and the table: not molecule columns but latent_vectors' own. */
export const CONFIDENCE_KEYS: Record<string, string> = { 'model:fit': 'v.neg_elbo', 'model:held': 'v.held' };

/** Writes vectors (float32 little-endian bytes) or problems; the caller wraps a batch in a transaction. */
export function writeLatents(db: Db, modelSha256: string, rows: readonly LatentWrite[]): void {
  const stmt = db.prepare('INSERT OR REPLACE INTO latent_vectors (molecule_id, model_sha256, z, problem) VALUES (?, ?, ?, ?)');
  for (const r of rows) {
    if (r.z) stmt.run(r.moleculeId, modelSha256, Buffer.from(r.z.buffer, r.z.byteOffset, r.z.byteLength), null);
    else stmt.run(r.moleculeId, modelSha256, null, r.problem || 'The model cannot encode this molecule.');
  }
}

export interface CollectionLatents {
  /** molecule ids, in id (file) order */
  ids: number[];
  /** the vectors, row-major [ids.length × latent] */
  z: Float32Array;
  latent: number;
  /** the value of `valueKey` per row (null when missing or not a number), when a key was asked for */
  values: (number | null)[] | null;
  /** the collection's counts for this model, from the same read (a vector of another size counts as missing) */
  counts: LatentCounts;
}

/**
 * Every vector of a collection for a model, optionally with one property or user column per row (the
 * store's column expression, so 'qed' and 'user:pIC50' work like they do for sorting and filtering).
 * `latent` is the model's latent size: a blob of any other length is skipped rather than misread.
 *
 * One statement with three aggregates over the same rows, so ids, vectors and values line up: the blobs
 * concatenated by SQLite into one (group_concat keeps a blob's bytes; CAST makes the result a blob again),
 * ids and values as text. Reading 250k rows one by one costs a JS Buffer per row, about three times longer.
 */
export function readCollectionLatents(db: Db, collectionId: number, modelSha256: string, latent: number, valueKey?: string): CollectionLatents {
  let valueSql = "''";
  if (valueKey !== undefined) {
    const expr = CONFIDENCE_KEYS[valueKey] ?? columnExpression(valueKey);
    if (expr === null) throw new Error(`'${valueKey}' is not a property or column name.`);
    valueSql = `coalesce(CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} END, '')`;
  }
  // ok: a vector of the model's size (another size is skipped rather than misread)
  const row = db
    .prepare(
      `SELECT count(*) FILTER (WHERE ok) AS n, count(*) FILTER (WHERE z IS NULL) AS unencodable,
              group_concat(id) FILTER (WHERE ok) AS ids, CAST(group_concat(z, '') FILTER (WHERE ok) AS BLOB) AS z,
              group_concat(value) FILTER (WHERE ok) AS vals
       FROM (
         SELECT m.id AS id, v.z AS z, length(v.z) = ? AS ok, ${valueSql} AS value
         FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id
         WHERE v.model_sha256 = ? AND m.collection_id = ?
         ORDER BY v.molecule_id)`,
    )
    .get(latent * 4, modelSha256, collectionId) as { n: number; unencodable: number; ids: string | null; z: Buffer | null; vals: string | null };
  const molecules = (db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(collectionId) as number) ?? 0;
  const counts = { molecules, encoded: row.n, unencodable: row.unencodable, missing: molecules - row.n - row.unencodable };
  if (!row.n || !row.ids || !row.z) return { ids: [], z: new Float32Array(0), latent, values: valueKey !== undefined ? [] : null, counts };
  const ids = row.ids.split(',').map(Number);
  // a copy: the Buffer's offset need not be 4-aligned for a Float32Array view
  const z = new Float32Array(row.n * latent);
  new Uint8Array(z.buffer).set(row.z.subarray(0, z.byteLength));
  const values = valueKey !== undefined ? (row.vals ?? '').split(',').map((v) => (v === '' ? null : Number(v))) : null;
  return { ids, z, latent, values, counts };
}

/**
 * One property or user column per vector of a collection, in the order and with the filter of
 * readCollectionLatents (so the values line up with the ids it returned while the vectors are unchanged):
 * null where missing or not a number. For re-colouring a map whose points are already known.
 */
export function latentValues(db: Db, collectionId: number, modelSha256: string, latent: number, key: string): (number | null)[] {
  const expr = CONFIDENCE_KEYS[key] ?? columnExpression(key);
  if (expr === null) throw new Error(`'${key}' is not a property or column name.`);
  const row = db
    .prepare(
      `SELECT count(*) AS n, group_concat(value) AS vals FROM (
         SELECT coalesce(CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} END, '') AS value
         FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id
         WHERE v.model_sha256 = ? AND m.collection_id = ? AND length(v.z) = ?
         ORDER BY v.molecule_id)`,
    )
    .get(modelSha256, collectionId, latent * 4) as { n: number; vals: string | null };
  if (!row.n) return [];
  return (row.vals ?? '').split(',').map((v) => (v === '' ? null : Number(v)));
}

/** "Is this structure anywhere in the workspace?" for many canonical SMILES, over one prepared statement. */
export function workspaceLookup(db: Db): (canonical: readonly string[]) => boolean[] {
  const stmt = db.prepare('SELECT 1 FROM molecules WHERE canonical_smiles = ? LIMIT 1').pluck();
  return (canonical) => canonical.map((s) => stmt.get(s) !== undefined);
}
