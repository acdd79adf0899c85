import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';
import { migration004 } from './004-latent-vectors.ts';
import { migration005 } from './005-layouts.ts';
import { migration006 } from './006-settings.ts';
import { migration007 } from './007-job-owners.ts';

describe('migration 007-job-owners', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-6 workspace with jobs; a lock key is held by one live job at a time', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    const before = [migration001, migration002, migration003, migration004, migration005, migration006];
    migrate(db, 'w.sqlite', before);
    // a job a version without owners left running, and a finished one
    db.prepare("INSERT INTO jobs (kind, status, title) VALUES ('import', 'running', 'old'), ('properties', 'done', 'older')").run();
    expect(migrate(db, 'w.sqlite', [...before, migration007])).toEqual([7]);
    expect(db.prepare('SELECT id, status, owner_id, lock_key FROM jobs ORDER BY id').all()).toEqual([
      { id: 1, status: 'running', owner_id: null, lock_key: null },
      { id: 2, status: 'done', owner_id: null, lock_key: null },
    ]);

    db.prepare("INSERT INTO job_owners (id, host, pid, process_start, app, heartbeat_at) VALUES ('a', 'h', 1, '9', 'cli', 1000)").run();
    expect(db.prepare("SELECT started_at FROM job_owners WHERE id = 'a'").pluck().get()).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(() => db.prepare("INSERT INTO job_owners (id, host, pid, app, heartbeat_at) VALUES ('a', 'h', 2, 'cli', 1)").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO job_owners (id, host, pid, app) VALUES ('b', 'h', 2, 'cli')").run()).toThrow(/NOT NULL/);

    const job = db.prepare("INSERT INTO jobs (kind, status, title, owner_id, lock_key) VALUES ('properties', ?, 't', 'a', ?)");
    job.run('running', 'properties 1');
    // a second live job with the same key is refused, queued or running; other keys and no key are fine
    expect(() => job.run('queued', 'properties 1')).toThrow(/UNIQUE/);
    expect(() => job.run('running', 'properties 1')).toThrow(/UNIQUE/);
    job.run('running', 'properties 2');
    job.run('running', null);
    job.run('running', null);
    // once the holder has ended, the key is free again, and ended jobs keep theirs
    db.prepare("UPDATE jobs SET status = 'failed' WHERE lock_key = 'properties 1'").run();
    job.run('running', 'properties 1');
    expect(db.prepare("SELECT count(*) FROM jobs WHERE lock_key = 'properties 1'").pluck().get()).toBe(2);
    db.close();
  });
});
