// The encode job ('latent.encodeCollection'): latent vectors of a collection for one model, stored per model
// (keyed by the sha256 of its manifest). Only molecules without a row for that model are encoded, batch by
// batch, each batch written in one transaction: a cancel or a crash keeps every finished batch, and running
// the job again continues where it stopped. A molecule the vocabulary cannot express is stored with the
// reason (which token) and counted as unencodable, never retried. Then the model's confidence in each encoded
// molecule (main/design/confidence.ts), written beside its vector (migration 011).
import { z } from 'zod';
import { ModelService } from '../../design/model-service.ts';
import { problemReason } from '../../design/molecule-input.ts';
import { getCollection } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import { countWithoutConfidence, latentCounts, moleculesWithoutConfidence, moleculesWithoutLatent, writeConfidence, writeLatents, type LatentWrite } from '../../store/latent.ts';
import { ConfidenceScorer } from '../../design/confidence.ts';
import type { JobRunner } from '../runner.ts';
import { throwIfCancelled } from '../runner.ts';

export const EncodeJobArgs = z.object({
  collectionId: z.number().int().positive(),
  /** the model bundle's folder (already resolved by the caller) */
  modelDir: z.string().min(1),
  /** molecules per encoder run and per transaction */
  batch: z.number().int().positive().max(4096).default(512),
  threads: z.number().int().positive().max(16).optional(),
});
export type EncodeJobArgs = z.input<typeof EncodeJobArgs>;

export interface EncodeResult {
  collectionId: number;
  model: string;
  modelSha256: string;
  /** written by this run */
  encoded: number;
  unencodable: number;
  /** the collection's totals for this model after the run */
  totalEncoded: number;
  totalUnencodable: number;
}

export const encodeJob: JobRunner = async (ctx): Promise<EncodeResult> => {
  const args = EncodeJobArgs.parse(ctx.args);
  const db = openWorkspace(ctx.workspace);
  let model: ModelService | null = null;
  try {
    const cid = args.collectionId;
    const collection = getCollection(db, cid);
    ctx.progress(0, null, 'loading the model');
    model = await ModelService.open(args.modelDir, { threads: args.threads });
    const sha = model.manifestSha256;
    const total = latentCounts(db, cid, sha).missing;
    let encoded = 0;
    let unencodable = 0;
    let lastChanged = Date.now();
    ctx.progress(0, total, `${collection.name} with ${model.name}`);
    let afterId = 0;
    for (;;) {
      throwIfCancelled(ctx.signal);
      const rows = moleculesWithoutLatent(db, cid, sha, afterId, args.batch);
      if (!rows.length) break;
      afterId = rows[rows.length - 1].id;
      const { mu, rows: encodedRows, problems } = await model.encode(rows.map((r) => r.canonicalSmiles));
      // what was encoded before the cancel is still written: the batch is finished work
      const L = model.latent;
      const writes: LatentWrite[] = encodedRows.map((index, r) => ({ moleculeId: rows[index].id, z: mu.slice(r * L, (r + 1) * L) }));
      for (const p of problems) writes.push({ moleculeId: rows[p.index!].id, z: null, problem: problemReason(p.message) });
      db.transaction(() => writeLatents(db, sha, writes)).immediate();
      encoded += encodedRows.length;
      unencodable += problems.length;
      ctx.progress(encoded + unencodable, total, null);
      if (Date.now() - lastChanged > 1000) {
        lastChanged = Date.now();
        ctx.emit('collections.changed', { collectionId: cid });
      }
    }
    // the model's confidence in each molecule it encoded (negative ELBO per token, held by the mean's decode):
    // scored after the vectors, batch by batch in its own transactions, so a cancel keeps the vectors and what
    // was scored; vectors from before migration 011 are scored here too
    const toScore = countWithoutConfidence(db, cid, sha);
    let scored = 0;
    if (toScore > 0) {
      const scorer = new ConfidenceScorer(model);
      try {
        ctx.progress(0, toScore, "the model's confidence in each molecule");
        for (let after = 0; ; ) {
          throwIfCancelled(ctx.signal);
          const rows = moleculesWithoutConfidence(db, cid, sha, after, args.batch);
          if (!rows.length) break;
          after = rows[rows.length - 1].id;
          const scores = await scorer.score(rows.map((r) => r.canonicalSmiles));
          const writes = rows.flatMap((r, i) => (scores[i].negElboPerToken !== null ? [{ moleculeId: r.id, negElbo: scores[i].negElboPerToken!, held: scores[i].heldByMean === true }] : []));
          db.transaction(() => writeConfidence(db, sha, writes)).immediate();
          scored += rows.length;
          ctx.progress(scored, toScore, "the model's confidence in each molecule");
        }
      } finally {
        await scorer.close();
      }
      ctx.emit('collections.changed', { collectionId: cid });
    }
    const after = latentCounts(db, cid, sha);
    return { collectionId: cid, model: model.name, modelSha256: sha, encoded, unencodable, totalEncoded: after.encoded, totalUnencodable: after.unencodable };
  } finally {
    await model?.close();
    db.close();
  }
};
