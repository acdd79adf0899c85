import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import type { Job, TrainCurvePoint } from '../../../main/api/contract.ts';
import { MemoryCore, doctorReport, modelInfo, settle } from '../test-support/memory-core.ts';
import { calls } from '../../../main/api/contract.ts';
import { DEFAULT_HOLDOUT_PERCENT, DEFAULT_REPLAY_PERCENT, FROM_SCRATCH, TrainJobState, TrainSetup, type ArgsStore, type TrainArgs } from './train.svelte.ts';

function memoryStore(): ArgsStore & { kept: Map<number, TrainArgs> } {
  const kept = new Map<number, TrainArgs>();
  return { kept, get: (id) => kept.get(id) ?? null, set: (id, args) => void kept.set(id, args) };
}

const point = (step: number, exact: number | null = null): TrainCurvePoint => ({ step, epoch: 0, seconds: step / 10, train: { loss: 2 - step / 100, ce: 1.5 - step / 100 }, valid: { ce: 1.6 }, holdout: exact === null ? null : { molecules: 12, exact, valid: 0.95 } });

describe('TrainSetup', () => {
  it("starts from the contract's defaults for the held-out and replay shares", () => {
    const defaults = calls['models.train'].args.parse({ collectionId: 1, name: 'x' });
    expect(DEFAULT_HOLDOUT_PERCENT / 100).toBe(defaults.holdout);
    expect(DEFAULT_REPLAY_PERCENT / 100).toBe(defaults.replay);
  });

  function setup() {
    const core = new MemoryCore();
    const c = core.addCollection(30, { name: 'series' });
    core.models = [modelInfo('zinc250k'), modelInfo('broken', { source: 'user', problem: 'manifest.json is not valid JSON' })];
    const s = new TrainSetup(createClient(core), () => core.models, c.id, 'zinc250k');
    return { core, c, s };
  }

  it('runs the doctor on the collection against the base model, and knows when the report is stale', async () => {
    const { core, c, s } = setup();
    core.doctorReport = doctorReport({ outOfVocabulary: { model: 'zinc250k', molecules: 3, tokens: [{ token: '[Si]', count: 3 }], examples: [] } });
    await s.runDoctor();
    expect(core.calls('models.doctor')[0].args).toEqual({ collectionId: c.id, model: 'zinc250k' });
    expect(s.doctor?.outOfVocabulary?.tokens[0].token).toBe('[Si]');
    expect(s.doctorCurrent).toBe(true);
    s.from = FROM_SCRATCH;
    expect(s.doctorCurrent).toBe(false);
    await s.runDoctor();
    expect(core.calls('models.doctor')[1].args).toEqual({ collectionId: c.id });
    expect(s.doctorCurrent).toBe(true);
  });

  it("says why the doctor could not check, without a report", async () => {
    const { core, s } = setup();
    s.collectionId = 999;
    await s.runDoctor();
    expect(s.doctor).toBeNull();
    expect(s.doctorError).toMatch(/could not check this collection: There is no collection 999/);
    expect(core.calls('models.doctor')).toHaveLength(1);
  });

  it('refuses settings the core would refuse, with a clear reason', () => {
    const { s } = setup();
    s.name = '';
    expect(s.problem).toBe('Give the model a name.');
    s.name = 'series/ft';
    expect(s.problem).toMatch(/letters, digits/);
    s.name = 'zinc250k';
    expect(s.problem).toBe('There is already a model called zinc250k.');
    s.name = 'series ft';
    expect(s.problem).toBeNull();
    s.minutes = 0;
    expect(s.problem).toMatch(/time budget/);
    s.budget = 'epochs';
    s.epochs = 2.5;
    expect(s.problem).toMatch(/whole number/);
    s.epochs = 3;
    s.holdoutPercent = 60;
    expect(s.problem).toMatch(/held-out share is from 0 to 50/);
    s.holdoutPercent = 10;
    s.from = 'broken';
    expect(s.problem).toBe('The base model broken cannot be used.');
  });

  it('fine-tunes on a time budget (epochs only a ceiling), or trains a fresh model for a number of epochs', () => {
    const { c, s } = setup();
    s.name = 'series ft';
    s.minutes = 2.5;
    expect(s.args()).toEqual({ collectionId: c.id, name: 'series ft', holdout: 0.1, from: 'zinc250k', replay: 0.5, timeBudgetSeconds: 150, epochs: 10_000 });
    s.from = FROM_SCRATCH;
    s.budget = 'epochs';
    s.epochs = 5;
    s.size = 'tiny';
    s.holdoutPercent = 15;
    expect(s.args()).toEqual({ collectionId: c.id, name: 'series ft', holdout: 0.15, size: 'tiny', epochs: 5 });
  });
});

describe('TrainJobState', () => {
  it('starts the job, follows its progress, polls the curves while it runs and stops polling at the end', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30);
    const store = memoryStore();
    const job = new TrainJobState(createClient(core), c.id, { store, pollMs: 10 });
    const off = job.watch();
    const args: TrainArgs = { collectionId: c.id, name: 'ft', from: 'zinc250k', holdout: 0.1, timeBudgetSeconds: 60 };
    await job.start(args, 'ft (zinc250k on set-1)');
    expect(core.calls('models.train')[0].args).toEqual({ ...args, resume: false });
    const jobId = job.run!.jobId!;
    expect(store.kept.get(jobId)).toEqual(args);

    core.curves.set(jobId, { name: 'ft', points: [point(10)], before: { molecules: 12, exact: 0.04, valid: 0.9 }, resumable: false });
    core.emit('job.progress', { jobId, kind: 'train', done: 10, total: null, rate: 2.5, etaSeconds: 40, message: 'epoch 1, batch 10/12, loss 1.900' });
    await settle(40);
    expect(job.run!.done).toBe(10);
    expect(job.message).toMatch(/epoch 1/);
    expect(job.curves?.points).toHaveLength(1);
    expect(job.before?.exact).toBe(0.04);

    core.curves.set(jobId, { name: 'ft', points: [point(10), point(20, 0.5)], before: { molecules: 12, exact: 0.04, valid: 0.9 }, resumable: false });
    core.emit('job.finished', { jobId, kind: 'train', status: 'done', error: null, result: null });
    await settle(20);
    expect(job.run!.phase).toBe('done');
    expect(job.after?.exact).toBe(0.5);
    expect(job.resumable).toBe(false);
    const polls = core.calls('models.curves').length;
    await settle(50);
    expect(core.calls('models.curves')).toHaveLength(polls);
    off();
  });

  it('cancels (the core keeps a checkpoint) and resumes with the same arguments', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30);
    const job = new TrainJobState(createClient(core), c.id, { store: memoryStore(), pollMs: 1000 });
    const off = job.watch();
    const args: TrainArgs = { collectionId: c.id, name: 'ft', from: 'zinc250k', holdout: 0.1, epochs: 4 };
    await job.start(args, 'ft');
    const first = job.run!.jobId!;
    await job.cancel();
    expect(core.calls('jobs.cancel')[0].args).toEqual({ id: first });
    core.curves.set(first, { name: 'ft', points: [point(10)], before: null, resumable: true });
    core.emit('job.finished', { jobId: first, kind: 'train', status: 'cancelled', error: null, result: null });
    await settle();
    expect(job.run!.phase).toBe('cancelled');
    expect(job.resumable).toBe(true);

    await job.resume();
    expect(core.calls('models.train')[1].args).toEqual({ ...args, resume: true });
    expect(job.run!.jobId).not.toBe(first);
    expect(job.busy).toBe(true);
    expect(job.resumable).toBe(false);
    off();
  });

  it("says the core's reason when training cannot start or fails", async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30);
    const job = new TrainJobState(createClient(core), c.id, { store: memoryStore() });
    const off = job.watch();
    await job.start({ collectionId: c.id, name: 'ft', from: 'no-such-model' }, 'ft');
    expect(job.run!.phase).toBe('failed');
    expect(job.run!.error).toBe('Could not start training: There is no model called no-such-model.');
    await job.start({ collectionId: c.id, name: 'ft' }, 'ft');
    core.emit('job.finished', { jobId: job.run!.jobId!, kind: 'train', status: 'failed', error: 'epoch 0 has no batches', result: null });
    await settle();
    expect(job.run!.error).toBe('Training failed: epoch 0 has no batches');
    off();
  });

  it('finds the last train job after a reload: running, or stopped with a checkpoint to resume', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(30);
    const store = memoryStore();
    const job = (id: number, status: Job['status'], kind: Job['kind'] = 'train'): Job => ({ id, kind, status, title: `job ${id}`, done: 40, total: null, error: null, createdAt: '2026-12-06T08:00:00Z', finishedAt: status === 'running' ? null : '2026-12-06T08:05:00Z', result: null });
    const client = createClient(core);
    core.jobList = [job(9, 'done', 'encode'), job(8, 'cancelled')];
    expect(await TrainJobState.findLatest(client, store)).toBeNull(); // its arguments are not known
    store.set(8, { collectionId: c.id, name: 'ft', from: 'zinc250k' });
    const found = await TrainJobState.findLatest(client, store);
    expect(found?.job.id).toBe(8);

    core.curves.set(8, { name: 'ft', points: [point(40)], before: null, resumable: true });
    const followed = new TrainJobState(client, c.id, { store });
    await followed.adopt(found!.job, found!.args);
    expect(followed.run!.phase).toBe('cancelled');
    expect(followed.resumable).toBe(true);
    expect(followed.curves?.points).toHaveLength(1);

    core.jobList = [job(10, 'done')];
    expect(await TrainJobState.findLatest(client, store)).toBeNull();
  });
});
