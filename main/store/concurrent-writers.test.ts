// Two processes writing one workspace at once: an import in one (small write transactions, one after another) and
// the host's read-then-write transactions in the other (undo, purge). A deferred transaction that read before the
// other process's commit cannot take the write lock (SQLITE_BUSY at once, the busy timeout cannot help); the
// workspace's transactions are IMMEDIATE (lint enforces it), so they wait their turn instead. Real processes.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openWorkspace } from './db.ts';
import { createCollection } from './collections.ts';
import { insertMolecules } from './molecules.ts';
import { tempDir } from './test-util.ts';
import { markCollectionDeleted, purgeDeleted, removeMolecules, restoreMolecules } from './trash.ts';

// the other process: writes a row in a transaction of its own as fast as it can, for `ms`
const writer = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 10000');
const ins = db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (?, ?, 'C', 'C')");
const tx = db.transaction((p) => ins.run(Number(process.argv[2]), p)).immediate;
process.stdout.write('ready\\n');
let p = 0;
for (const end = Date.now() + Number(process.argv[3]); Date.now() < end; ) tx(++p);
db.close();
process.stdout.write(p + '\\n');
`;

describe('transactions while another process writes', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('undo, restore and purge wait for the other writer instead of failing', async () => {
    const file = tmp.file('w.sqlite');
    const db = openWorkspace(file);
    const theirs = createCollection(db, { name: 'importing', kind: 'imported' });
    const mine = createCollection(db, { name: 'list', kind: 'candidates' });
    insertMolecules(db, mine, Array.from({ length: 20 }, (_, i) => ({ position: i + 1, name: null, smiles: 'C'.repeat(i + 1), canonicalSmiles: 'C'.repeat(i + 1), sourceLine: null })));
    const ids = db.prepare('SELECT id FROM molecules WHERE collection_id = ? ORDER BY position').pluck().all(mine) as number[];

    const child = spawn(process.execPath, ['-e', writer, file, String(theirs), '2500'], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 10));

    let rounds = 0;
    for (const end = Date.now() + 2000; Date.now() < end; rounds++) {
      const { undo } = removeMolecules(db, mine, ids.slice(rounds % 10, (rounds % 10) + 5));
      expect(restoreMolecules(db, undo!).restored).toBe(5);
      const dropped = createCollection(db, { name: `dropped ${rounds}`, kind: 'candidates' });
      markCollectionDeleted(db, dropped);
      expect(purgeDeleted(db, 0)).toEqual([dropped]);
      // let the other process commit in between (the window in which a deferred transaction goes stale)
      await new Promise((r) => setImmediate(r));
    }
    expect(await exited).toBe(0);
    const written = Number(out.trim().split('\n').pop());
    expect(written).toBeGreaterThan(0);
    expect(rounds).toBeGreaterThan(10);
    expect(db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(theirs)).toBe(written);
    expect(db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(mine)).toBe(20);
    db.close();
  }, 30_000);
});
