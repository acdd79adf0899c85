// Problems repository: the lines of a source file that could not be imported, with where and why.
import type { Problem } from '../api/contract.ts';
import type { Db } from './db.ts';

export function insertProblems(db: Db, collectionId: number, problems: readonly Problem[]): void {
  if (!problems.length) return;
  const stmt = db.prepare('INSERT INTO problems (collection_id, file, line, record, reason, text, severity) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // an error is stored as NULL, as every problem written before severities existed
  for (const p of problems) stmt.run(collectionId, p.file, p.line, p.record, p.reason, p.text, p.severity && p.severity !== 'error' ? p.severity : null);
}

export function countProblems(db: Db, collectionId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM problems WHERE collection_id = ?').get(collectionId) as { n: number }).n;
}

export function listProblems(db: Db, collectionId: number, offset: number, limit: number): Problem[] {
  const rows = db
    .prepare('SELECT file, line, record, reason, text, severity FROM problems WHERE collection_id = ? ORDER BY line, record, id LIMIT ? OFFSET ?')
    .all(collectionId, limit, offset) as (Omit<Problem, 'severity'> & { severity: 'warning' | 'info' | null })[];
  return rows.map(({ severity, ...p }) => ({ ...p, severity: severity ?? 'error' }));
}
