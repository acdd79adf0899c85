// latent.unreadable: which molecules of a collection a model cannot read, and why (issue 16, item 2). The
// encode job stores the reason with each molecule it could not encode (a token outside the vocabulary, a
// SMILES longer than the model reads); this lists them, in file order, so the Design view can say which.
import type { Handlers } from '../api/contract.ts';
import type { ModelService } from '../design/model-service.ts';
import type { Db } from '../store/db.ts';
import { requireCollection } from './errors.ts';

export function unreadableHandler(db: Db, model: (ref: string | undefined) => Promise<ModelService>): Pick<Handlers, 'latent.unreadable'> {
  return {
    'latent.unreadable': async ({ collectionId, model: ref, offset, limit }) => {
      requireCollection(db, collectionId);
      const sha = (await model(ref)).manifestSha256;
      const from = 'FROM latent_vectors v JOIN molecules m ON m.id = v.molecule_id WHERE v.model_sha256 = ? AND m.collection_id = ? AND v.problem IS NOT NULL';
      const total = db.prepare(`SELECT count(*) ${from}`).pluck().get(sha, collectionId) as number;
      const rows = db
        .prepare(`SELECT m.id AS moleculeId, m.position, m.name, m.smiles, v.problem AS reason ${from} ORDER BY m.position LIMIT ? OFFSET ?`)
        .all(sha, collectionId, limit, offset) as { moleculeId: number; position: number; name: string | null; smiles: string; reason: string }[];
      return { total, rows };
    },
  };
}
