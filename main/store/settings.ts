// Workspace settings (migration 006): one JSON value per key. Unknown or unreadable values read as absent,
// so a setting written by a newer app never breaks an older one's start.
import type Database from 'better-sqlite3';

export function getSetting<T>(db: Database.Database, key: string): T | undefined {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

export function setSetting(db: Database.Database, key: string, value: unknown): void {
  if (value === undefined || value === null) {
    db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at").run(key, JSON.stringify(value));
}
