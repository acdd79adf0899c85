// Collections repository: plain functions over a Db, rows mapped to the contract's Collection shape.
import type { Collection } from '../api/contract.ts';
import type { Db } from './db.ts';
import { parseJson } from './json.ts';

interface CollectionRow {
  id: number;
  name: string;
  kind: Collection['kind'];
  source_path: string | null;
  created_at: string;
  molecule_count: number;
  problem_count: number;
  duplicate_count: number;
  properties_done: number;
  user_columns: string;
  importing_job_id: number | null;
}

const toCollection = (r: CollectionRow): Collection => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  sourcePath: r.source_path,
  createdAt: r.created_at,
  moleculeCount: r.molecule_count,
  problemCount: r.problem_count,
  duplicateCount: r.duplicate_count,
  propertiesDone: r.properties_done,
  userColumns: parseJson<string[]>(r.user_columns, []),
  importingJobId: r.importing_job_id ?? null,
});

export interface NewCollection {
  name: string;
  kind: Collection['kind'];
  sourcePath?: string | null;
  importingJobId?: number | null;
}

export function createCollection(db: Db, c: NewCollection): number {
  const info = db
    .prepare('INSERT INTO collections (name, kind, source_path, importing_job_id) VALUES (?, ?, ?, ?)')
    .run(c.name, c.kind, c.sourcePath ?? null, c.importingJobId ?? null);
  return Number(info.lastInsertRowid);
}

export function listCollections(db: Db): Collection[] {
  // a collection deleted as undoable (store/trash.ts) is gone for everyone until it is restored
  return (db.prepare('SELECT * FROM collections WHERE deleted_at IS NULL ORDER BY id DESC').all() as CollectionRow[]).map(toCollection);
}

export function findCollection(db: Db, id: number): Collection | null {
  const row = db.prepare('SELECT * FROM collections WHERE id = ? AND deleted_at IS NULL').get(id) as CollectionRow | undefined;
  return row ? toCollection(row) : null;
}

/** Like findCollection, for ids a user passed in: a clear error when there is no such collection. */
export function getCollection(db: Db, id: number): Collection {
  const c = findCollection(db, id);
  if (!c) throw new Error(`There is no collection with id ${id} in this workspace.`);
  return c;
}

export function renameCollection(db: Db, id: number, name: string): Collection {
  getCollection(db, id);
  db.prepare('UPDATE collections SET name = ? WHERE id = ?').run(name, id);
  return getCollection(db, id);
}

/** Deletes a collection; its molecules and problems go with it (ON DELETE CASCADE). */
export function deleteCollection(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0;
}

export interface CollectionCounts {
  moleculeCount?: number;
  problemCount?: number;
  duplicateCount?: number;
  propertiesDone?: number;
  userColumns?: string[];
}

export function updateCollectionCounts(db: Db, id: number, c: CollectionCounts): void {
  db.prepare(
    `UPDATE collections SET
       molecule_count = coalesce(@moleculeCount, molecule_count),
       problem_count = coalesce(@problemCount, problem_count),
       duplicate_count = coalesce(@duplicateCount, duplicate_count),
       properties_done = coalesce(@propertiesDone, properties_done),
       user_columns = coalesce(@userColumns, user_columns)
     WHERE id = @id`,
  ).run({
    id,
    moleculeCount: c.moleculeCount ?? null,
    problemCount: c.problemCount ?? null,
    duplicateCount: c.duplicateCount ?? null,
    propertiesDone: c.propertiesDone ?? null,
    userColumns: c.userColumns ? JSON.stringify(c.userColumns) : null,
  });
}

export function finishImport(db: Db, id: number): void {
  db.prepare('UPDATE collections SET importing_job_id = NULL WHERE id = ?').run(id);
}

/** Removes what an import job that failed or was cancelled left half-written. */
export function deleteUnfinishedImports(db: Db, jobId: number): number[] {
  const ids = (db.prepare('SELECT id FROM collections WHERE importing_job_id = ?').all(jobId) as { id: number }[]).map((r) => r.id);
  db.prepare('DELETE FROM collections WHERE importing_job_id = ?').run(jobId);
  return ids;
}

/**
 * Removes collections whose import job is no longer live (it failed, was cancelled or its row is gone
 * without the collection being finished): what a crashed import left. A collection whose import job is
 * queued or running, in this process or another, is being filled and is left alone.
 */
export function deleteAbandonedImports(db: Db): number[] {
  const ids = db
    .prepare(
      `SELECT id FROM collections WHERE importing_job_id IS NOT NULL
         AND importing_job_id NOT IN (SELECT id FROM jobs WHERE status IN ('queued', 'running'))`,
    )
    .pluck()
    .all() as number[];
  const del = db.prepare('DELETE FROM collections WHERE id = ?');
  for (const id of ids) del.run(id);
  return ids;
}

/**
 * Collections whose properties job was interrupted (its latest one failed or was cancelled: the app was
 * closed, a CLI command stopped, a process killed) with molecules still without properties, and no import
 * filling them. A collection imported without properties (`--no-properties`) never had a properties job and
 * is not listed.
 */
export function collectionsWithInterruptedProperties(db: Db): Collection[] {
  const rows = db
    .prepare(
      `SELECT c.* FROM collections c
        WHERE c.importing_job_id IS NULL AND c.deleted_at IS NULL AND c.properties_done < c.molecule_count
          AND (SELECT j.status FROM jobs j
                WHERE j.kind = 'properties' AND json_extract(j.args, '$.collectionId') = c.id
                ORDER BY j.id DESC LIMIT 1) IN ('failed', 'cancelled')
        ORDER BY c.id`,
    )
    .all() as CollectionRow[];
  return rows.map(toCollection);
}
