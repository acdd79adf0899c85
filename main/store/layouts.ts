// 2-D layouts of a collection's latent vectors (UMAP): written whole by the layout job, read whole by the
// latent map. Points are per (model, method, molecule); the fit's parameters per (collection, model, method).
import { CONFIDENCE_KEYS } from './latent.ts';
import type { Db } from './db.ts';
import { parseJson } from './json.ts';
import { columnExpression } from './molecules.ts';

export type LayoutMethod = 'umap';

export interface LayoutFit {
  /** what the fit was asked for and what it did (neighbours, minDist, randomSeed, epochs, seconds) */
  params: Record<string, unknown>;
  /** points written by the fit */
  points: number;
  createdAt: string;
}

export interface LayoutWrite {
  collectionId: number;
  modelSha256: string;
  method: LayoutMethod;
  ids: readonly number[];
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  params: Record<string, unknown>;
}

/**
 * Replaces the collection's layout for this model and method: the old points of its molecules go, the new
 * ones and the fit's row come, in one transaction (a reader sees the old layout or the new, never a mix).
 */
export function writeLayout(db: Db, w: LayoutWrite): void {
  const insert = db.prepare('INSERT INTO layout_points (model_sha256, method, molecule_id, x, y) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare(
      `DELETE FROM layout_points WHERE model_sha256 = ? AND method = ?
         AND molecule_id IN (SELECT id FROM molecules WHERE collection_id = ?)`,
    ).run(w.modelSha256, w.method, w.collectionId);
    for (let i = 0; i < w.ids.length; i++) insert.run(w.modelSha256, w.method, w.ids[i], w.x[i], w.y[i]);
    db.prepare('INSERT OR REPLACE INTO layouts (collection_id, model_sha256, method, params, points) VALUES (?, ?, ?, ?, ?)').run(
      w.collectionId,
      w.modelSha256,
      w.method,
      JSON.stringify(w.params),
      w.ids.length,
    );
  }).immediate();
}

/** The collection's fit for this model and method, or null when none was computed. */
export function findLayout(db: Db, collectionId: number, modelSha256: string, method: LayoutMethod): LayoutFit | null {
  const row = db
    .prepare('SELECT params, points, created_at AS createdAt FROM layouts WHERE collection_id = ? AND model_sha256 = ? AND method = ?')
    .get(collectionId, modelSha256, method) as { params: string; points: number; createdAt: string } | undefined;
  return row ? { params: parseJson(row.params, {}), points: row.points, createdAt: row.createdAt } : null;
}

export interface LayoutPoints {
  /** molecule ids in id (file) order, with their points */
  ids: number[];
  x: number[];
  y: number[];
  /** the value of `valueKey` per point (null when missing or not a number), when a key was asked for */
  values: (number | null)[] | null;
  /** the collection's molecules, with a point or not */
  molecules: number;
}

/** Every stored point of a collection's layout, optionally with one property or user column per point. */
export function readLayout(db: Db, collectionId: number, modelSha256: string, method: LayoutMethod, valueKey?: string): LayoutPoints {
  let valueSql = 'NULL';
  if (valueKey !== undefined) {
    // the model's confidence lives beside the latent vectors (joined below as v), the rest in the molecule's row
    const expr = CONFIDENCE_KEYS[valueKey] ?? columnExpression(valueKey);
    if (expr === null) throw new Error(`'${valueKey}' is not a property or column name.`);
    valueSql = `CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} END`;
  }
  const rows = db
    .prepare(
      `SELECT m.id AS id, p.x AS x, p.y AS y, ${valueSql} AS value
       FROM layout_points p JOIN molecules m ON m.id = p.molecule_id
         LEFT JOIN latent_vectors v ON v.molecule_id = m.id AND v.model_sha256 = p.model_sha256
       WHERE p.model_sha256 = ? AND p.method = ? AND m.collection_id = ?
       ORDER BY m.id`,
    )
    .raw()
    .all(modelSha256, method, collectionId) as [number, number, number, number | null][];
  const molecules = db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(collectionId) as number;
  return {
    ids: rows.map((r) => r[0]),
    x: rows.map((r) => r[1]),
    y: rows.map((r) => r[2]),
    values: valueKey !== undefined ? rows.map((r) => r[3]) : null,
    molecules,
  };
}
