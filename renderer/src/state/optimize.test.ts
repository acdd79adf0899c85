import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import type { OptimizeProgress } from '../../../main/api/contract.ts';
import { MemoryCore, designed, settle } from '../test-support/memory-core.ts';
import { OptimizeJobState, OptimizeSetup, resultProvenance, tallyNeighbours } from './optimize.svelte.ts';

const progress = (jobId: number, decodes: number, best: number | null, patch: Partial<OptimizeProgress> = {}): OptimizeProgress => ({
  jobId, collectionId: 9, start: 0, starts: 1, decodes, total: 100, objectives: ['qed:max'],
  best: best === null ? null : { smiles: `C${decodes}`, score: best / 0.14, values: [best] }, front: [], valid: decodes, feasible: best === null ? 0 : 1, ...patch,
});

describe('OptimizeSetup', () => {
  it('builds the request from the settings, and says what is missing instead', () => {
    const s = new OptimizeSetup(createClient(new MemoryCore()));
    expect(s.request({ starts: [] })).toEqual({ ok: false, reason: 'Give a seed: a SMILES, or click a point on the map.' });
    s.keep = ' c1ccccc1 ';
    s.addWindow('mw');
    s.addObjective('sa');
    s.setObjective(1, { weight: 2 });
    s.randomSeed = 3;
    const r = s.request({ starts: ['CCO'] });
    expect(r).toEqual({
      ok: true,
      request: {
        starts: ['CCO'], objectives: ['qed:max', 'sa:min:weight=2'], method: 'gradient', budget: 300, randomSeed: 3, pareto: false, keepPerStart: 5,
        constraints: { similarity: 0.4, keep: ['c1ccccc1'], windows: ['mw<=500'], noPains: true, notInTraining: true, notInWorkspace: true },
      },
    });
    s.addObjective('tpsa');
    expect(s.request({ starts: ['CCO'] })).toMatchObject({ ok: false, reason: expect.stringContaining('TPSA needs CMA-ES') });
    s.method = 'cmaes';
    s.budget = 0;
    expect(s.request({ collectionId: 1 })).toMatchObject({ ok: false, reason: expect.stringContaining('from 1 to 1,000,000') });
  });

  it('a learned objective (taste, a measured column) switches to CMA-ES, names its collection, and waits for its fit', async () => {
    const core = new MemoryCore();
    const s = new OptimizeSetup(createClient(core), 7);
    s.addObjective('user:pIC50');
    expect(s.method).toBe('cmaes');
    s.setObjective(1, { goal: 'min' });
    s.addObjective('taste');
    expect(s.learnedNames).toEqual(['user:pIC50', 'taste']);
    // a fit that cannot be used stops the start with its reason
    s.fits = [{ name: 'taste', label: 'your taste', features: 'fingerprint', molecules: 0, available: 3, cvR2: null, warning: null, problem: 'your taste needs at least 10 rated candidates' }];
    expect(s.request({ starts: ['CCO'] })).toEqual({ ok: false, reason: 'Your taste needs at least 10 rated candidates.' });
    s.fits = [];
    expect(s.request({ starts: ['CCO'] })).toMatchObject({ ok: true, request: { objectives: ['qed:max', 'user:pIC50:min', 'taste:max'], method: 'cmaes', surrogateCollectionId: 7 } });
    // asked of the core: what the collection offers (the stand-in offers nothing measured, nothing rated)
    await s.loadLearned();
    expect(s.offered).toEqual({ columns: [], rated: 0 });
  });

  it('samples the neighbours once per seed and judges them again when a constraint changes', async () => {
    const core = new MemoryCore();
    const s = new OptimizeSetup(createClient(core));
    s.seed = 'CCO';
    await s.refresh();
    expect(s.tally).toEqual({ judged: 5, pass: 5, fails: { similarity: 0, substructure: 0, window: 0, pains: 0, novelty: 0 } });
    s.similarity = 0.75;
    await s.refresh();
    expect(s.tally?.pass).toBe(2);
    expect(s.tally?.fails.similarity).toBe(3);
    expect(core.calls('latent.neighbours')).toHaveLength(1);
    // the seed alone first, then with its neighbours; a change of constraint: one call
    expect(core.calls('design.check').map((c) => (c.args.smiles as string[]).length)).toEqual([0, 5, 5]);
    s.keep = 'C!';
    await s.refresh();
    expect(s.checkError).toBe("'C!' is not a SMARTS RDKit can read");
    expect(s.tally).toBeNull();
    // a seed RDKit cannot read is named, and no neighbours are asked for it (no 400 while typing)
    s.keep = '';
    s.seed = 'CC!';
    await s.refresh();
    expect(s.checkError).toBe("RDKit cannot read the seed 'CC!'.");
    expect(core.calls('latent.neighbours')).toHaveLength(1);
  });

  it('counts novelty from the neighbours themselves', () => {
    const a = designed('CCN', 'CCO', 'neighbours', {});
    const b = { ...designed('CCCN', 'CCO', 'neighbours', {}), inTraining: true };
    const ok = { smiles: 'x', props: {}, similarity: 1, changedAtoms: [], svg: null, keeps: [], values: [], violations: [] };
    expect(tallyNeighbours([a, b], [ok, ok], true, true)).toMatchObject({ judged: 2, pass: 1, fails: { novelty: 1 } });
    expect(tallyNeighbours([a, b], [ok, ok], false, true)).toMatchObject({ pass: 2 });
  });
});

describe('OptimizeJobState', () => {
  it('follows the job: the best so far over the decodes (reports before the answer kept), then the results beside their starts', async () => {
    const core = new MemoryCore();
    const client = createClient(core);
    const job = new OptimizeJobState(client, 1);
    const stop = job.watch();
    let release!: () => void;
    core.gate = new Promise((resolve) => (release = resolve));
    const started = job.start({ starts: ['CCO'], objectives: ['qed:max'], constraints: { similarity: 0.4 } }, 'CCO: QED ↑');
    await settle(5);
    // the job reports before its id is known
    core.emit('optimize.progress', progress(1, 10, null));
    core.emit('optimize.progress', progress(1, 20, 0.61));
    core.gate = null;
    release();
    await started;
    core.emit('optimize.progress', progress(2, 30, 0.99)); // another job
    core.emit('optimize.progress', progress(1, 40, 0.72));
    core.emit('job.progress', { jobId: 1, kind: 'optimize', done: 40, total: 100, rate: 50, etaSeconds: 1.2, message: 'start 1 of 1' });
    expect(job.trace).toEqual([
      { decodes: 20, score: 0.61 / 0.14, values: [0.61] },
      { decodes: 40, score: 0.72 / 0.14, values: [0.72] },
    ]);
    expect(job.run).toMatchObject({ phase: 'running', done: 40, total: 100 });

    // the results: a generated collection with the job's provenance columns
    const c = core.addCollection(2, {
      name: 'Optimized',
      userProps: (i) => ({ input: 'CCO', seed: 'CCO', improvement: i / 10, similarity: 0.5, method: 'gradient', iteration: i, found_at_decode: i * 10, operation: 'optimize', parameters: '{"objectives":["qed:max"]}', model: 'zinc250k', model_sha256: 'ab', random_seed: 0, created_at: '2026-12-06T08:00:00.000Z' }),
    });
    c.kind = 'generated';
    // cancelled: no answer, the collection is the one the reports named
    core.emit('optimize.progress', progress(1, 50, 0.72, { collectionId: c.id }));
    core.emit('job.finished', { jobId: 1, kind: 'optimize', status: 'cancelled', error: null, result: null });
    await settle();
    expect(job.run?.phase).toBe('cancelled');
    expect(job.resultCollection).toBe(c.id);
    expect(job.resultsTotal).toBe(2);
    // best improvement first, each judged against its start with a drawing
    expect(job.results.map((p) => p.row.position)).toEqual([2, 1]);
    expect(core.calls('design.check').at(-1)?.args).toMatchObject({ seed: 'CCO', objectives: ['qed:max'], constraints: { similarity: 0.4 }, draw: { width: 200, height: 150 } });
    expect(job.results[0].result.svg).toContain('<svg');
    expect(job.results[0].seed.smiles).toBe('CCO');

    expect(resultProvenance(job.results[0].row)).toEqual({
      operation: 'optimize', seed: 'CCO', params: { objectives: ['qed:max'], method: 'gradient', iteration: 2, foundAtDecode: 20, collection: c.id },
      model: 'zinc250k', modelSha256: 'ab', randomSeed: 0, createdAt: '2026-12-06T08:00:00.000Z',
    });
    stop();
  });

  it('says why it could not start', async () => {
    const job = new OptimizeJobState(createClient(new MemoryCore()), 1);
    await job.start({ starts: ['CCO'], collectionId: 1, objectives: ['qed:max'] }, 'x');
    expect(job.run).toMatchObject({ phase: 'failed', error: 'Could not start the optimization: Give the start molecules or a collection, one of the two.' });
  });

  it('after a reload follows the collection’s last run again: its results when it ended, its progress while it runs', async () => {
    localStorage.clear();
    const core = new MemoryCore();
    const before = new OptimizeJobState(createClient(core), 1);
    await before.start({ starts: ['CCO'], objectives: ['qed:max'], constraints: { similarity: 0.5 } }, 'CCO: QED ↑');
    const c = core.addCollection(1, { name: 'Optimized', userProps: () => ({ seed: 'CCO', improvement: 0.2 }) });
    // the page goes; the job is cancelled meanwhile (no answer: the collection is the one its reports named)
    before.watch();
    core.emit('optimize.progress', progress(1, 10, 0.6, { collectionId: c.id }));
    core.jobs.set(1, { title: 'Optimize qed:max', kind: 'optimize', status: 'cancelled', done: 10, total: 300, result: null });

    const after = new OptimizeJobState(createClient(core), 1);
    await after.recall();
    expect(after.run).toMatchObject({ jobId: 1, phase: 'cancelled', fileName: 'CCO: QED ↑', done: 10, total: 300 });
    expect(after.resultCollection).toBe(c.id);
    expect(after.results).toHaveLength(1);
    expect(core.calls('design.check').at(-1)?.args).toMatchObject({ seed: 'CCO', constraints: { similarity: 0.5 } });
    // another collection's view recalls nothing
    const other = new OptimizeJobState(createClient(core), 2);
    await other.recall();
    expect(other.run).toBeNull();

    // still running: followed from the next report on
    core.jobs.set(1, { title: 'Optimize qed:max', kind: 'optimize', status: 'running', done: 40, total: 300 });
    const running = new OptimizeJobState(createClient(core), 1);
    running.watch();
    await running.recall();
    expect(running.run).toMatchObject({ phase: 'running', done: 40 });
    core.emit('optimize.progress', progress(1, 50, 0.7, { collectionId: c.id }));
    expect(running.trace).toHaveLength(1);

    // a job the core no longer knows is forgotten
    core.jobs.delete(1);
    const gone = new OptimizeJobState(createClient(core), 1);
    await gone.recall();
    expect(gone.run).toBeNull();
    expect(localStorage.getItem('molscape.optimize-runs')).toBe('{}');
  });
});
