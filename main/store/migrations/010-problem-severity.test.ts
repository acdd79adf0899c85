import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migrations } from './index.ts';
import { migration010 } from './010-problem-severity.ts';

describe('migration 010-problem-severity', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('keeps older problems as errors (NULL) and takes warning and info, nothing else', () => {
    const db = new Database(tmp.file('w.sqlite'));
    const before = migrations.filter((m) => m.version < 10);
    migrate(db, 'w.sqlite', before);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    db.prepare("INSERT INTO problems (collection_id, file, line, record, reason) VALUES (1, 'f.smi', 3, 3, 'bad')").run();
    expect(migrate(db, 'w.sqlite', [...before, migration010])).toEqual([10]);
    const add = db.prepare("INSERT INTO problems (collection_id, file, line, record, reason, severity) VALUES (1, 'f.smi', 4, 4, 'note', ?)");
    add.run('info');
    add.run('warning');
    expect(() => add.run('fatal')).toThrow(/CHECK/);
    expect(db.prepare('SELECT line, severity FROM problems ORDER BY line, id').all()).toEqual([
      { line: 3, severity: null },
      { line: 4, severity: 'info' },
      { line: 4, severity: 'warning' },
    ]);
    db.close();
  });
});
