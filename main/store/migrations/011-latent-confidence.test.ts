import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { tempDir } from '../test-util.ts';
import { migrations } from './index.ts';
import { migration011 } from './011-latent-confidence.ts';

describe('migration 011-latent-confidence', () => {
  const tmp = tempDir();
  afterEach(() => tmp.remove());

  it('keeps vectors written before it (not yet scored: NULL) and takes a score and a held flag', () => {
    const db = new Database(tmp.file('w.sqlite'));
    const before = migrations.filter((m) => m.version < 11);
    migrate(db, 'w.sqlite', before);
    db.prepare("INSERT INTO collections (name, kind) VALUES ('a', 'imported')").run();
    db.prepare("INSERT INTO molecules (collection_id, position, smiles, canonical_smiles) VALUES (1, 1, 'CCO', 'CCO'), (1, 2, 'CCN', 'CCN')").run();
    const z = Buffer.from(Float32Array.from([0.5, -1.25]).buffer);
    db.prepare("INSERT INTO latent_vectors (molecule_id, model_sha256, z, problem) VALUES (1, 'aa', ?, NULL)").run(z);
    expect(migrate(db, 'w.sqlite', [...before, migration011])).toEqual([11]);
    db.prepare("INSERT INTO latent_vectors (molecule_id, model_sha256, z, problem, neg_elbo, held) VALUES (2, 'aa', ?, NULL, 0.42, 1)").run(z);
    expect(() => db.prepare("UPDATE latent_vectors SET held = 2 WHERE molecule_id = 2").run()).toThrow(/CHECK/);
    expect(db.prepare('SELECT molecule_id AS id, neg_elbo AS fit, held FROM latent_vectors ORDER BY molecule_id').all()).toEqual([
      { id: 1, fit: null, held: null },
      { id: 2, fit: 0.42, held: 1 },
    ]);
    db.close();
  });
});
