// The core's job lifecycle across crashes and restarts: real job processes killed for real, workspaces left
// behind by an interrupted run.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../api/contract.ts';
import { checkCall } from '../api/validate.ts';
import { execArgvFor } from '../jobs/tsx-args.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import { insertMolecules } from '../store/molecules.ts';
import { openWorkspace } from '../store/db.ts';
import { createJob } from '../store/jobs.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { uploadsFolder } from './import-source.ts';
import type { JobLauncher, LocalCore } from './types.ts';

describe('createCore: crashes and restarts', () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });

  /** Calls a handler the way hosts do: arguments through the contract's schema first. */
  async function call(name: string, args: unknown): Promise<unknown> {
    const checked = checkCall(name, args);
    if (!checked.ok) throw new Error(checked.message);
    return (core!.handlers[checked.name] as (a: unknown) => Promise<unknown>)(checked.args);
  }

  it('fails a job whose process is killed with SIGKILL, removes its partial collection, and keeps answering', async () => {
    // the standard fork launcher, keeping hold of the child so the test can kill it
    const children: ChildProcess[] = [];
    const launcher: JobLauncher = (module, env) => {
      const child = fork(module, [], { env: { ...process.env, ...env }, execArgv: execArgvFor(module), serialization: 'advanced' });
      children.push(child);
      return {
        postMessage: (m) => void child.send(m as never),
        onMessage: (l) => void child.on('message', l),
        onExit: (l) => void child.on('exit', l),
        kill: () => void child.kill('SIGKILL'),
      };
    };
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test', launcher });
    let progressed = false;
    core.onEvent((event, payload) => {
      if (event === 'job.progress' && (payload as EventPayload<'job.progress'>).done > 0) progressed = true;
    });
    const path = new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname;
    const { jobId } = (await call('collections.import', { source: { kind: 'path', path } })) as { jobId: number };
    for (const end = Date.now() + 60_000; !progressed; ) {
      if (Date.now() > end) throw new Error('no progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    children[0].kill('SIGKILL');
    const job = await core.whenJobFinished(jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/killed by SIGKILL/);
    expect(await call('collections.list', {})).toEqual([]);
    expect(await call('jobs.get', { id: jobId })).toMatchObject({ status: 'failed' });
  });

  it('deleting a collection while it is imported cancels the import first', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const path = new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname;
    const { jobId } = (await call('collections.import', { source: { kind: 'path', path } })) as { jobId: number };
    let collectionId: number | null = null;
    for (const end = Date.now() + 60_000; collectionId === null; ) {
      if (Date.now() > end) throw new Error('the import never created its collection');
      const [c] = (await call('collections.list', {})) as { id: number; moleculeCount: number }[];
      if (c?.moleculeCount > 0) collectionId = c.id;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(await call('collections.delete', { id: collectionId })).toEqual({ deleted: true });
    expect(await call('jobs.get', { id: jobId })).toMatchObject({ status: 'cancelled' });
    expect(await call('collections.list', {})).toEqual([]);
  });

  it('resumes properties an earlier run did not finish, when the host asks for it; not those never asked for', async () => {
    const file = tmp.file('resume.sqlite');
    const db = openWorkspace(file);
    const molecules = ['CCO', 'c1ccccc1'].map((s, i) => ({ position: i + 1, name: null, smiles: s, canonicalSmiles: s, sourceLine: i + 1 }));
    const cid = createCollection(db, { name: 'half-done', kind: 'imported' });
    insertMolecules(db, cid, molecules);
    updateCollectionCounts(db, cid, { moleculeCount: 2 });
    // its properties job was running when the process that ran it was killed (no owner: gone)
    const interrupted = createJob(db, 'properties', 'Properties of half-done', { collectionId: cid }, 'running');
    // imported without properties (--no-properties): no properties job, nothing to resume
    const bare = createCollection(db, { name: 'bare', kind: 'imported' });
    insertMolecules(db, bare, molecules);
    updateCollectionCounts(db, bare, { moleculeCount: 2 });
    db.close();
    core = await createCore({ workspace: file, host: 'test', resumeProperties: true });
    const jobs = (await call('jobs.list', {})) as { id: number; kind: string; status: string }[];
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([
      ['properties', 'running'],
      ['properties', 'failed'],
    ]);
    expect(jobs[1].id).toBe(interrupted);
    expect(await core.whenJobFinished(jobs[0].id)).toMatchObject({ status: 'done' });
    expect(await call('collections.get', { id: cid })).toMatchObject({ moleculeCount: 2, propertiesDone: 2 });
    expect(await call('collections.get', { id: bare })).toMatchObject({ moleculeCount: 2, propertiesDone: 0 });
  });

  it('on start-up fails jobs a crashed run left running and drops its half-imported collections', async () => {
    const file = tmp.file('crashed.sqlite');
    const db = openWorkspace(file);
    const jobId = createJob(db, 'import', 'interrupted', {}, 'running');
    createCollection(db, { name: 'half', kind: 'imported', importingJobId: jobId });
    createCollection(db, { name: 'whole', kind: 'imported' });
    db.close();
    // an upload the crashed run never got to delete, and one another window is importing right now
    mkdirSync(uploadsFolder(file), { recursive: true });
    const old = join(uploadsFolder(file), 'abc-old.smi');
    const fresh = join(uploadsFolder(file), 'def-fresh.smi');
    writeFileSync(old, 'CCO\n');
    writeFileSync(fresh, 'CCO\n');
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(old, yesterday, yesterday);
    core = await createCore({ workspace: file, host: 'test' });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(await call('jobs.get', { id: jobId })).toMatchObject({ status: 'failed' });
    expect(((await call('collections.list', {})) as { name: string }[]).map((c) => c.name)).toEqual(['whole']);
    expect(existsSync(file)).toBe(true);
  });
});
