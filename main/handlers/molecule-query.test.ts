// Reading a collection row by row for an export: every row in file order, and no statement held open between rows,
// so the connection can be written to while the reader works (a job's progress arrives while an export awaits its
// file; the e2e table test once crashed the server with "This database connection is busy executing a query").
import { afterEach, describe, expect, it } from 'vitest';
import { createCollection } from '../store/collections.ts';
import { openWorkspace } from '../store/db.ts';
import type { Db } from '../store/db.ts';
import { insertMolecules } from '../store/molecules.ts';
import { tempDir } from '../store/test-util.ts';
import { pagesWhere, rowsWhere, whereClause } from './molecule-query.ts';

describe('rowsWhere', () => {
  const tmp = tempDir();
  let db: Db | null = null;
  afterEach(() => {
    db?.close();
    db = null;
    tmp.remove();
  });

  /** A collection of n molecules inserted in a shuffled position order (file order is by position, not by id). */
  function collection(n: number): number {
    db = openWorkspace(tmp.file('w.sqlite'));
    const id = createCollection(db, { name: 'set', kind: 'imported' });
    const positions = Array.from({ length: n }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % n) - ((b * 7919) % n));
    db.transaction(() => insertMolecules(db!, id, positions.map((p) => ({ position: p, name: `m${p}`, smiles: 'C'.repeat(1 + (p % 5)), canonicalSmiles: 'C', sourceLine: p }))))();
    return id;
  }

  it('gives every row in file order across pages, the filter applied', () => {
    const id = collection(1234);
    expect([...rowsWhere(db!, whereClause(id, undefined))].map((r) => r.position)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    const pages = [...pagesWhere(db!, whereClause(id, undefined), 500)];
    expect(pages.map((p) => p.length)).toEqual([500, 500, 234]);
    // a selection (molecule ids, not positions) comes back in file order too
    const all = [...rowsWhere(db!, whereClause(id, undefined))];
    const picked = [all[1233], all[2], all[699], all[500]];
    expect([...rowsWhere(db!, whereClause(id, undefined, picked.map((r) => r.id)))].map((r) => r.name)).toEqual(['m3', 'm501', 'm700', 'm1234']);
    expect([...rowsWhere(db!, whereClause(id + 1, undefined))]).toEqual([]);
  });

  it('holds no statement open between rows: the connection takes writes while the reader is between rows', () => {
    const id = collection(1200);
    const job = db!.prepare("INSERT INTO jobs (kind, status, title, total) VALUES ('import', 'running', 'a job beside the export', 1200)").run().lastInsertRowid;
    const progress = db!.prepare('UPDATE jobs SET done = ? WHERE id = ?');
    let read = 0;
    for (const row of rowsWhere(db!, whereClause(id, undefined))) {
      expect(row.name).toBe(`m${row.position}`);
      progress.run(++read, job); // throws "busy executing a query" while an iterate() is open on this connection
    }
    expect(read).toBe(1200);
    // what the export read before: an open iterator refuses the same write
    const open = db!.prepare('SELECT id FROM molecules WHERE collection_id = ?').iterate(id);
    open.next();
    expect(() => progress.run(0, job)).toThrow(/busy executing a query/);
    open.return?.();
  });
});
