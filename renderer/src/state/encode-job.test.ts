import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { EncodeJobState } from './encode-job.svelte.ts';

function setup() {
  const core = new MemoryCore();
  const c = core.addCollection(10);
  let finished = 0;
  const job = new EncodeJobState(createClient(core), c.id, () => finished++);
  job.watch();
  return { core, c, job, finished: () => finished };
}

describe('EncodeJobState', () => {
  it('starts the encode job for its collection and follows its progress to the end', async () => {
    const { core, c, job, finished } = setup();
    await job.start('Encoding series');
    expect(core.calls('latent.encodeCollection')[0].args).toEqual({ collectionId: c.id, model: undefined });
    const jobId = job.run!.jobId!;
    core.emit('job.progress', { jobId, kind: 'encode', done: 4, total: 10, rate: 100, etaSeconds: 0.06, message: null });
    core.emit('job.progress', { jobId, kind: 'import', done: 9, total: 10, rate: 1, etaSeconds: 1, message: null });
    expect(job.run).toMatchObject({ phase: 'running', done: 4, total: 10, rate: 100 });
    expect(job.busy).toBe(true);
    core.emit('job.finished', { jobId, kind: 'encode', status: 'done', error: null, result: null });
    expect(job.run).toMatchObject({ phase: 'done', done: 10 });
    expect(finished()).toBe(1);
    job.dismiss();
    expect(job.run).toBeNull();
  });

  it('keeps events that beat the answer, and cancels through jobs.cancel', async () => {
    const { core, job } = setup();
    let open!: () => void;
    core.gate = new Promise((resolve) => (open = resolve));
    const started = job.start('Encoding');
    await settle();
    const jobId = core.nextJobId;
    core.emit('job.progress', { jobId, kind: 'encode', done: 2, total: 10, rate: 5, etaSeconds: 2, message: null });
    core.gate = null;
    open();
    await started;
    expect(job.run).toMatchObject({ jobId, done: 2, total: 10 });
    await job.cancel();
    expect(core.calls('jobs.cancel')[0].args).toEqual({ id: jobId });
    core.emit('job.finished', { jobId, kind: 'encode', status: 'cancelled', error: null, result: null });
    expect(job.run?.phase).toBe('cancelled');
  });

  it('says why a failed job failed', async () => {
    const { core, job, finished } = setup();
    await job.start('Encoding');
    core.emit('job.finished', { jobId: job.run!.jobId!, kind: 'encode', status: 'failed', error: 'model bundle is corrupt', result: null });
    expect(job.run?.error).toBe('Encoding failed: model bundle is corrupt');
    expect(finished()).toBe(0);
  });
});
