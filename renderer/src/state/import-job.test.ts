import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import type { ImportSource } from '../../../main/api/contract.ts';
import { fileToBase64 } from '../lib/file-bytes.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { ImportJobState } from './import-job.svelte.ts';
import { importOptions } from './import-options.svelte.ts';

const uploadOf = async (file: File): Promise<ImportSource> => ({ kind: 'upload', fileName: file.name, base64: await fileToBase64(file) });
const smiFile = () => new File(['CCO ethanol\nc1ccccc1 benzene\n'], 'series.smi');

function setup() {
  const core = new MemoryCore();
  const opened: (number | null)[] = [];
  const job = new ImportJobState(createClient(core), uploadOf, (id) => opened.push(id));
  const stop = job.watch();
  return { core, job, opened, stop };
}

describe('ImportJobState', () => {
  it('uploads the file, follows progress and opens the new collection when done', async () => {
    const { core, job, opened } = setup();
    await job.start(smiFile());
    const [call] = core.calls('collections.import');
    const source = call.args.source as { kind: string; fileName: string; base64: string };
    expect(source.kind).toBe('upload');
    expect(source.fileName).toBe('series.smi');
    expect(atob(source.base64)).toBe('CCO ethanol\nc1ccccc1 benzene\n');
    expect(call.args.name).toBe('series');
    expect(job.run?.phase).toBe('running');
    expect(job.busy).toBe(true);

    const jobId = job.run!.jobId!;
    core.emit('job.progress', { jobId, kind: 'import', done: 1200, total: 5000, rate: 800, etaSeconds: 4.75, message: null });
    expect(job.run).toMatchObject({ done: 1200, total: 5000, rate: 800, etaSeconds: 4.75 });
    // Another job's progress is not ours.
    core.emit('job.progress', { jobId: jobId + 7, kind: 'import', done: 3, total: 9, rate: 1, etaSeconds: 6, message: null });
    core.emit('job.progress', { jobId, kind: 'properties', done: 3, total: 9, rate: 1, etaSeconds: 6, message: null });
    expect(job.run?.done).toBe(1200);

    core.emit('job.finished', { jobId, kind: 'import', status: 'done', error: null, result: { collectionId: 7 } });
    expect(job.run).toMatchObject({ phase: 'done', done: 5000, collectionId: 7 });
    expect(job.busy).toBe(false);
    expect(opened).toEqual([7]);
  });

  it('starts with the duplicates choice made beside the Import button, and keeps what the import did', async () => {
    const { core, job } = setup();
    await job.start(smiFile());
    expect(core.calls('collections.import')[0].args.duplicates).toBe('merge');
    core.emit('job.finished', { jobId: job.run!.jobId!, kind: 'import', status: 'done', error: null, result: { collectionId: 3, imported: 280, duplicates: 10, duplicateMode: 'merge', valueConflicts: 2, fragmentsStripped: 153, neutralized: 0, problems: 10, warnings: 1, notes: 163 } });
    expect(job.run?.summary).toEqual({ imported: 280, duplicates: 10, duplicateMode: 'merge', valueConflicts: 2, fragmentsStripped: 153, neutralized: 0, problems: 10, warnings: 1 });
    job.dismiss();
    importOptions.duplicates = 'keep';
    try {
      await job.start(smiFile());
      expect(core.calls('collections.import')[1].args.duplicates).toBe('keep');
    } finally {
      importOptions.duplicates = 'merge';
    }
  });

  it('keeps events that arrive before the call answers', async () => {
    const { core, job, opened } = setup();
    let open!: () => void;
    core.gate = new Promise((resolve) => (open = resolve));
    const started = job.start(smiFile());
    await settle();
    const jobId = core.nextJobId; // the id the held call is about to return
    core.emit('job.progress', { jobId, kind: 'import', done: 2, total: 2, rate: 50, etaSeconds: 0, message: null });
    core.emit('job.finished', { jobId, kind: 'import', status: 'done', error: null, result: null });
    expect(job.run?.phase).toBe('starting');
    core.gate = null;
    open();
    await started;
    expect(job.run).toMatchObject({ phase: 'done', jobId, done: 2, total: 2 });
    expect(opened).toEqual([null]);
  });

  it('cancels through jobs.cancel and shows the cancelled state', async () => {
    const { core, job, opened } = setup();
    await job.start(smiFile());
    const jobId = job.run!.jobId!;
    await job.cancel();
    expect(core.calls('jobs.cancel').map((c) => c.args)).toEqual([{ id: jobId }]);
    core.emit('job.finished', { jobId, kind: 'import', status: 'cancelled', error: null, result: null });
    expect(job.run?.phase).toBe('cancelled');
    expect(opened).toEqual([]);
    job.dismiss();
    expect(job.run).toBeNull();
  });

  it('says which file failed and why', async () => {
    const { core, job } = setup();
    await job.start(smiFile());
    core.emit('job.finished', { jobId: job.run!.jobId!, kind: 'import', status: 'failed', error: 'worker exited with signal SIGKILL', result: null });
    expect(job.run?.error).toBe('Import of series.smi failed: worker exited with signal SIGKILL');

    const refusing = new ImportJobState(createClient(core), async () => ({ kind: 'path', path: '' }));
    await refusing.start(new File([''], 'empty.smi'));
    expect(refusing.run?.phase).toBe('failed');
    expect(refusing.run?.error).toMatch(/^Could not import empty\.smi: Invalid arguments for 'collections\.import'/);
  });

  it('follows an import started elsewhere (the desktop menu), named by its job title', async () => {
    const { core, job, opened } = setup();
    core.jobs.set(41, { title: 'Import chembl.sdf' });
    core.emit('job.progress', { jobId: 41, kind: 'import', done: 10, total: 100, rate: 20, etaSeconds: 4.5, message: null });
    expect(job.run).toMatchObject({ jobId: 41, phase: 'running', done: 10, total: 100 });
    await settle();
    expect(job.run?.fileName).toBe('Import chembl.sdf');
    core.emit('job.finished', { jobId: 41, kind: 'import', status: 'done', error: null, result: { collectionId: 3 } });
    expect(opened).toEqual([3]);
    // A straggling report after the end does not start it again.
    core.emit('job.progress', { jobId: 41, kind: 'import', done: 100, total: 100, rate: 20, etaSeconds: 0, message: null });
    expect(job.run?.phase).toBe('done');
  });

  it('stops listening when unwatched', () => {
    const { core, stop } = setup();
    expect(core.listenerCount('job.progress')).toBe(1);
    stop();
    expect(core.listenerCount('job.progress') + core.listenerCount('job.finished')).toBe(0);
  });
});
