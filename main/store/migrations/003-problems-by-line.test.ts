import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';

describe('migration 003-problems-by-line', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('keeps the problems and serves them in file order from the index', () => {
    const db = new Database(tmp.file('w.sqlite'));
    migrate(db, 'w.sqlite', [migration001, migration002]);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    const add = db.prepare("INSERT INTO problems (collection_id, file, line, record, reason) VALUES (1, 'f.smi', ?, ?, 'bad')");
    for (const line of [9, 2, 5]) add.run(line, line);
    expect(migrate(db, 'w.sqlite', [migration001, migration002, migration003])).toEqual([3]);
    const sql = 'SELECT line FROM problems WHERE collection_id = 1 ORDER BY line, record, id LIMIT 10';
    expect(db.prepare(sql).all()).toEqual([{ line: 2 }, { line: 5 }, { line: 9 }]);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toContain('problems_line');
    expect(plan).not.toContain('TEMP B-TREE');
    db.close();
  });
});
