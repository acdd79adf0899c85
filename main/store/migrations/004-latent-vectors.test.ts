import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-text-sort-indexes.ts';
import { migration003 } from './003-problems-by-line.ts';
import { migration004 } from './004-latent-vectors.ts';

const plan = (db: Database.Database, sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');

describe('migration 004-latent-vectors', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('upgrades a version-3 workspace with data; vectors go with their molecule; one of z or problem', () => {
    const db = new Database(tmp.file('w.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 'w.sqlite', [migration001, migration002, migration003]);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    const mol = db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (1, ?, ?, ?)");
    mol.run(1, 'CCO', 'CCO');
    mol.run(2, 'c1ccccc1', 'c1ccccc1');
    expect(migrate(db, 'w.sqlite', [migration001, migration002, migration003, migration004])).toEqual([4]);
    expect(db.prepare('SELECT count(*) AS n FROM molecules').get()).toEqual({ n: 2 });

    const z = Buffer.from(Float32Array.from([0.5, -1.25]).buffer);
    const add = db.prepare('INSERT INTO latent_vectors (molecule_id, model_sha256, z, problem) VALUES (?, ?, ?, ?)');
    add.run(1, 'aa', z, null);
    add.run(2, 'aa', null, "unknown token 'Xx'");
    add.run(1, 'bb', z, null);
    expect(() => add.run(1, 'aa', z, null)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => add.run(2, 'cc', null, null)).toThrow(/CHECK/);
    expect(() => add.run(99, 'aa', z, null)).toThrow(/FOREIGN KEY/);
    const back = db.prepare("SELECT z FROM latent_vectors WHERE model_sha256 = 'aa' AND molecule_id = 1").get() as { z: Buffer };
    expect(Array.from(new Float32Array(back.z.buffer, back.z.byteOffset, back.z.length / 4))).toEqual([0.5, -1.25]);

    db.prepare('DELETE FROM molecules WHERE id = 1').run();
    expect(db.prepare('SELECT molecule_id AS id, model_sha256 AS m FROM latent_vectors').all()).toEqual([{ id: 2, m: 'aa' }]);

    expect(plan(db, "SELECT 1 FROM molecules WHERE canonical_smiles = 'CCO'")).toContain('molecules_canonical_anywhere');
    expect(plan(db, 'SELECT 1 FROM latent_vectors WHERE molecule_id = 2')).toContain('latent_vectors_molecule');
    db.close();
  });
});
