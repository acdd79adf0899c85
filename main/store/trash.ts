// Undo for deletions (migration 009): collections deleted as undoable are only marked until purged; molecules
// taken out of a candidate list are kept whole, with their places, until restored or purged.
import type { Db } from './db.ts';
import type { MoleculeDbRow } from './molecules.ts';
import { parseJson } from './json.ts';

/** How long a deletion can be undone: past it, the next core start (or the next undoable delete) purges it. */
export const UNDO_SECONDS = 3600;

/** Hides a collection from every listing and lookup; false when there is none (or it is hidden already). */
export function markCollectionDeleted(db: Db, id: number): boolean {
  return db.prepare("UPDATE collections SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND deleted_at IS NULL").run(id).changes > 0;
}

/** Brings a collection hidden by markCollectionDeleted back; false when there is nothing to restore. */
export function restoreCollection(db: Db, id: number): boolean {
  return db.prepare('UPDATE collections SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL').run(id).changes > 0;
}

/** Deletes for good what was deleted (or removed) longer ago than `seconds`; returns the collections purged. */
export function purgeDeleted(db: Db, seconds = UNDO_SECONDS): number[] {
  const cutoff = `-${Math.max(0, Math.round(seconds))} seconds`;
  const removedCutoff = `-${Math.max(seconds, 86_400)} seconds`;
  // a look first: every core start calls this, and most find nothing; a write lock then would only queue behind
  // another process's import for nothing
  const due = db
    .prepare(
      "SELECT EXISTS (SELECT 1 FROM collections WHERE deleted_at IS NOT NULL AND deleted_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)) OR EXISTS (SELECT 1 FROM removed_molecules WHERE created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))",
    )
    .pluck()
    .get(cutoff, removedCutoff);
  if (!due) return [];
  return db.transaction(() => {
    const ids = db.prepare("SELECT id FROM collections WHERE deleted_at IS NOT NULL AND deleted_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)").pluck().all(cutoff) as number[];
    const del = db.prepare('DELETE FROM collections WHERE id = ?');
    for (const id of ids) del.run(id);
    db.prepare("DELETE FROM removed_molecules WHERE created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)").run(removedCutoff);
    return ids;
  }).immediate();
}

/** Positions 1..n again in the current order (negated first: UNIQUE (collection, position) is checked row by row). */
function renumber(db: Db, collectionId: number, order: number[]) {
  db.prepare('UPDATE molecules SET position = -position WHERE collection_id = ?').run(collectionId);
  const set = db.prepare('UPDATE molecules SET position = ? WHERE id = ?');
  order.forEach((id, i) => set.run(i + 1, id));
}

/**
 * Takes molecules out of one collection, keeping them (rows as they were, in position order) for restoreMolecules;
 * the rest close up to positions 1..n. Returns the undo id, or null when none of the ids is in the collection.
 */
export function removeMolecules(db: Db, collectionId: number, ids: readonly number[]): { removed: number; undo: number | null } {
  return db.transaction(() => {
    const rows = db
      .prepare('SELECT * FROM molecules WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY position')
      .all(collectionId, JSON.stringify(ids)) as MoleculeDbRow[];
    if (!rows.length) return { removed: 0, undo: null };
    db.prepare('DELETE FROM molecules WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?))').run(collectionId, JSON.stringify(rows.map((r) => r.id)));
    renumber(db, collectionId, db.prepare('SELECT id FROM molecules WHERE collection_id = ? ORDER BY position').pluck().all(collectionId) as number[]);
    const undo = Number(db.prepare('INSERT INTO removed_molecules (collection_id, rows) VALUES (?, ?)').run(collectionId, JSON.stringify(rows)).lastInsertRowid);
    return { removed: rows.length, undo };
  }).immediate();
}

/**
 * Puts back what removeMolecules took out: each row at its old place (the others move down to make room), with
 * its id when that is still free (a new one otherwise). Returns how many came back and to which collection.
 */
export function restoreMolecules(db: Db, undo: number): { restored: number; collectionId: number | null } {
  return db.transaction(() => {
    const entry = db.prepare('SELECT collection_id AS collectionId, rows FROM removed_molecules WHERE id = ?').get(undo) as { collectionId: number; rows: string } | undefined;
    if (!entry) return { restored: 0, collectionId: null };
    const rows = parseJson<MoleculeDbRow[]>(entry.rows, []).sort((a, b) => a.position - b.position);
    const others = db.prepare('SELECT id FROM molecules WHERE collection_id = ? ORDER BY position').pluck().all(entry.collectionId) as number[];
    const taken = db.prepare('SELECT 1 FROM molecules WHERE id = ?').pluck();
    // every column of the row as it was (the typed property copies too), under a fresh position for now
    const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== 'id' && c !== 'position');
    const insert = (withId: boolean) =>
      db.prepare(`INSERT INTO molecules (${withId ? 'id, ' : ''}position, ${columns.join(', ')}) VALUES (${withId ? '@id, ' : ''}@position, ${columns.map((c) => `@${c}`).join(', ')})`);
    const [withId, withoutId] = [insert(true), insert(false)];
    const order = [...others];
    let temp = -1_000_000_000;
    for (const r of rows) {
      const values = { ...r, position: temp-- };
      const id = taken.get(r.id) ? Number(withoutId.run(values).lastInsertRowid) : (withId.run(values), r.id);
      order.splice(Math.min(Math.max(0, r.position - 1), order.length), 0, id);
    }
    renumber(db, entry.collectionId, order);
    db.prepare('DELETE FROM removed_molecules WHERE id = ?').run(undo);
    return { restored: rows.length, collectionId: entry.collectionId };
  }).immediate();
}
