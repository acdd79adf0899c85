// The properties job: after an import, compute every molecule's properties (main/chem) on the chemistry
// threads and fill them in, batch by batch, telling the UI after each so the table fills in as they arrive.
// Picks up where it left off: only molecules without properties are computed.
import { z } from 'zod';
import { getCollection, updateCollectionCounts } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import { countMolecules, countWithProperties, moleculesWithoutProperties, setProperties } from '../../store/molecules.ts';
import { ChemPool } from '../import/chem-pool.ts';
import type { ChemTaskResult } from '../import/chem-tasks.ts';
import type { JobRunner } from '../runner.ts';
import { throwIfCancelled } from '../runner.ts';

export const PropertiesJobArgs = z.object({
  collectionId: z.number().int().positive(),
  threads: z.number().int().positive().max(16).optional(),
});

/** Small batches: the full property panel costs milliseconds per molecule, and each batch is one UI update. */
const BATCH = 500;
const DEPTH = 2;

type Computed = Extract<ChemTaskResult, { op: 'properties' }>;

export const propertiesJob: JobRunner = async (ctx) => {
  const args = PropertiesJobArgs.parse(ctx.args);
  const db = openWorkspace(ctx.workspace);
  const pool = new ChemPool(args.threads);
  try {
    const cid = args.collectionId;
    getCollection(db, cid);
    const already = countWithProperties(db, cid);
    const total = countMolecules(db, cid) - already;
    let done = 0;
    let lastChanged = 0;
    ctx.progress(0, total, null);
    const inFlight: { ids: number[]; result: Promise<Computed> }[] = [];
    const writeOldest = async () => {
      const { ids, result } = inFlight.shift()!;
      const r = await result;
      throwIfCancelled(ctx.signal);
      db.transaction(() => {
        // a molecule RDKit cannot read back gets an empty record, so it counts as done and is not retried
        setProperties(db, ids.map((id, i) => ({ id, props: r.props[i] ?? {} })));
        updateCollectionCounts(db, cid, { propertiesDone: already + done + ids.length });
      }).immediate();
      done += ids.length;
      ctx.progress(done, total, null);
      if (Date.now() - lastChanged > 500 || done === total) {
        lastChanged = Date.now();
        ctx.emit('collections.changed', { collectionId: cid });
      }
    };
    let afterId = 0;
    for (;;) {
      throwIfCancelled(ctx.signal);
      const rows = moleculesWithoutProperties(db, cid, afterId, BATCH);
      if (!rows.length) break;
      afterId = rows[rows.length - 1].id;
      inFlight.push({ ids: rows.map((r) => r.id), result: pool.properties(rows.map((r) => r.canonicalSmiles)) });
      while (inFlight.length >= pool.size * DEPTH) await writeOldest();
    }
    while (inFlight.length) await writeOldest();
    ctx.emit('collections.changed', { collectionId: cid });
    return { collectionId: cid, computed: done };
  } finally {
    await pool.close();
    db.close();
  }
};
