// The optimize job's runner on a real workspace file with the shipped model: results land in a generated
// collection with their panel and provenance, progress counts decodes of the whole budget, a molecule already
// in the workspace is not offered again, and a cancel keeps what was found before it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollection, getCollection } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import type { Db } from '../../store/db.ts';
import { insertMolecules, listMolecules } from '../../store/molecules.ts';
import { tempDir } from '../../store/test-util.ts';
import type { JobContext } from '../../jobs/runner.ts';
import { defaultModelDir } from '../model-path.ts';
import { optimizeJob } from './optimize-job.ts';
import type { OptimizeJobArgs, OptimizeJobResult } from './optimize-job.ts';

const STARTS = ['CC(=O)Nc1ccc(O)cc1', 'Cc1ccc(cc1)S(N)(=O)=O'];

describe('optimize job', () => {
  const tmp = tempDir('molscape-optimize-job-');
  let db: Db;
  let file: string;
  beforeEach(() => {
    file = tmp.file('ws.sqlite');
    db = openWorkspace(file);
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  function context(args: OptimizeJobArgs, abortAt?: number) {
    const controller = new AbortController();
    const progress: { done: number; total: number | null; message: string | null }[] = [];
    const changed: (number | null)[] = [];
    const ctx: JobContext = {
      jobId: 1, workspace: file, args, signal: controller.signal,
      progress(done, total, message = null) {
        progress.push({ done, total, message });
        if (abortAt !== undefined && done >= abortAt) controller.abort();
      },
      emit(event, payload) {
        if (event === 'collections.changed') changed.push((payload as { collectionId: number | null }).collectionId);
      },
    };
    return { ctx, progress, changed };
  }

  const args = (o: Partial<OptimizeJobArgs> = {}): OptimizeJobArgs => ({
    starts: STARTS, objectives: ['qed'], constraints: { similarity: 0.4 }, method: 'cmaes', budget: 48, randomSeed: 1, modelDir: defaultModelDir(), ...o,
  });

  it('writes each start’s best results with panel and provenance into a generated collection', async () => {
    // a molecule the search is likely to meet, already in the workspace: it must not come back
    const ws = createCollection(db, { name: 'mine', kind: 'imported' });
    insertMolecules(db, ws, [{ position: 1, name: null, smiles: 'COc1ccc(NC(C)=O)cc1', canonicalSmiles: 'COc1ccc(NC(C)=O)cc1', sourceLine: null }]);
    const { ctx, progress, changed } = context(args());
    const r = (await optimizeJob(ctx)) as OptimizeJobResult;
    expect(r.starts).toBe(2);
    expect(r.decodes).toBe(96);
    expect(r.cancelled).toBe(false);
    expect(r.molecules).toBeGreaterThan(0);
    const c = getCollection(db, r.collectionId);
    expect(c.kind).toBe('generated');
    expect(c.moleculeCount).toBe(r.molecules);
    expect(c.userColumns).toEqual(expect.arrayContaining(['input', 'similarity', 'improvement', 'qed', 'model_sha256', 'random_seed']));
    const rows = listMolecules(db, r.collectionId, 0, 100);
    // numbered from 1 in the order found, as every collection is
    expect(rows.map((m) => m.position)).toEqual(rows.map((_, i) => i + 1));
    for (const m of rows) {
      expect(m.canonicalSmiles).not.toBe('COc1ccc(NC(C)=O)cc1');
      expect(Number(m.userProps!.similarity)).toBeGreaterThanOrEqual(0.4);
      expect(m.userProps!.qed).toBeCloseTo(m.props!.qed as number, 12);
      expect(m.userProps!.operation).toBe('optimize');
      expect(STARTS).toContain(m.userProps!.input);
    }
    // progress counts decodes of the whole budget, never backwards, and ends at it
    const counted = progress.filter((p) => p.total !== null);
    expect(counted.every((p) => p.total === 96)).toBe(true);
    for (let i = 1; i < counted.length; i++) expect(counted[i].done).toBeGreaterThanOrEqual(counted[i - 1].done);
    expect(counted.at(-1)!.done).toBe(96);
    expect(counted.at(-1)!.message).toMatch(/best qed:max score/);
    expect(changed).toContain(r.collectionId);
  }, 120_000);

  it('a cancel stops the search and keeps what was found', async () => {
    const { ctx } = context(args({ budget: 64 }), 70); // past the first start's budget: cancelled in the second
    const r = (await optimizeJob(ctx)) as OptimizeJobResult;
    expect(r.cancelled).toBe(true);
    expect(r.decodes).toBeLessThan(128);
    const rows = listMolecules(db, r.collectionId, 0, 100);
    expect(rows.length).toBe(r.molecules);
    expect(rows.some((m) => m.userProps!.input === STARTS[0])).toBe(true);
  }, 120_000);

  it("optimizes toward the chemist's taste, learned from the candidates' star ratings, and says how well it learned", async () => {
    const list = createCollection(db, { name: 'rated', kind: 'candidates' });
    const liked = ['NS(=O)(=O)c1ccc(Cl)cc1', 'NS(=O)(=O)c1ccc(F)cc1', 'NS(=O)(=O)c1ccc(Br)cc1', 'COc1ccc(cc1)S(N)(=O)=O', 'NS(=O)(=O)c1ccccc1', 'CCc1ccc(cc1)S(N)(=O)=O'];
    const disliked = ['CCCCCCCCO', 'CCCCCCCCCO', 'CCCCCCCCCCO', 'CCCCCCCO', 'CC(C)CCCCCO', 'CCCCCCC(C)O'];
    insertMolecules(db, list, [...liked, ...disliked].map((s, i) => ({ position: i + 1, name: null, smiles: s, canonicalSmiles: s, sourceLine: null, userProps: { rating: i < liked.length ? 5 : 1 } })));
    const reports: { surrogates?: { name: string; cvR2: number | null }[] }[] = [];
    const { ctx } = context(args({ starts: [STARTS[0]], objectives: ['taste'], budget: 32 }));
    const emit = ctx.emit;
    ctx.emit = (event, payload) => {
      if (event === 'optimize.progress') reports.push(payload as (typeof reports)[number]);
      emit(event, payload);
    };
    const r = (await optimizeJob(ctx)) as OptimizeJobResult;
    expect(r.decodes).toBe(32);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.at(-1)!.surrogates).toEqual([expect.objectContaining({ name: 'taste', cvR2: expect.any(Number) })]);
    const rows = listMolecules(db, r.collectionId, 0, 100);
    expect(getCollection(db, r.collectionId).userColumns).toContain('taste');
    for (const m of rows) expect(typeof m.userProps!.taste).toBe('number');
  }, 120_000);

  it('refuses settings it cannot run', async () => {
    const { ctx } = context(args({ objectives: ['potency'] }));
    await expect(optimizeJob(ctx)).rejects.toThrow(/unknown objective/);
    // taste with nothing rated: refused with what is missing
    await expect(optimizeJob(context(args({ objectives: ['taste'] })).ctx)).rejects.toThrow(/at least 10 rated candidates/);
  }, 60_000);
});
