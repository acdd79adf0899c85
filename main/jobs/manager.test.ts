// The job machinery with real processes: a forked worker running the 'test' job.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../api/contract.ts';
import { openWorkspace, type Db } from '../store/db.ts';
import { createJob, getJob } from '../store/jobs.ts';
import { tempDir } from '../store/test-util.ts';
import { forkLauncher } from './fork-launcher.ts';
import { JobConflictError, JobManager } from './manager.ts';
import { defaultWorkerModule } from './worker-path.ts';

type Seen = { event: EventName; payload: EventPayload<EventName> };

describe('JobManager with real job processes', () => {
  const tmp = tempDir();
  let db: Db;
  let events: Seen[];
  let manager: JobManager;
  beforeEach(() => {
    const workspace = tmp.file('w.sqlite');
    db = openWorkspace(workspace);
    events = [];
    manager = new JobManager({
      db,
      workspace,
      launcher: forkLauncher,
      workerModule: defaultWorkerModule(),
      emit: (event, payload) => events.push({ event, payload }),
      cancelGraceMs: 1500,
    });
  });
  afterEach(async () => {
    await manager.close();
    db.close();
    tmp.remove();
  });

  const progress = (jobId: number) =>
    events.filter((e) => e.event === 'job.progress' && (e.payload as EventPayload<'job.progress'>).jobId === jobId).map((e) => e.payload as EventPayload<'job.progress'>);

  it('runs a job to the end, relaying throttled progress with rate and ETA', async () => {
    const id = manager.start('test', 'count', { steps: 40, stepMs: 25 });
    const t0 = Date.now();
    const job = await manager.whenFinished(id);
    const seconds = (Date.now() - t0) / 1000;
    expect(job.status).toBe('done');
    expect(job.result).toMatchObject({ steps: 40 });
    expect(job.done).toBe(40);
    expect(job.total).toBe(40);
    expect(job.finishedAt).not.toBeNull();
    const p = progress(id);
    // 40 updates from the worker, at most ~5 relayed per second (+1 for the first and the last)
    expect(p.length).toBeGreaterThan(1);
    expect(p.length).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 2);
    expect(p[p.length - 1].done).toBe(40);
    expect(p.some((e) => e.rate !== null && e.rate > 0 && e.etaSeconds !== null)).toBe(true);
    const finished = events.find((e) => e.event === 'job.finished')?.payload;
    expect(finished).toMatchObject({ jobId: id, kind: 'test', status: 'done', error: null });
  });

  it('a progress write refused by a busy connection is skipped, not thrown: the job runs on and its events go out', async () => {
    const id = manager.start('test', 'count', { steps: 40, stepMs: 25 });
    while (progress(id).length === 0) await new Promise((r) => setTimeout(r, 10)); // the process is up and counting
    // another caller holds a statement open across awaits (better-sqlite3 then refuses every other query)
    const open = db.prepare('SELECT id FROM jobs').iterate();
    open.next();
    const before = progress(id).length;
    await new Promise((r) => setTimeout(r, 400));
    const during = progress(id).length - before;
    open.return?.();
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('done');
    expect(during).toBeGreaterThan(0); // updates came while the connection was busy, and were relayed
    expect(getJob(db, id)?.done).toBe(40);
  });

  it('records a thrown error as failed with its message', async () => {
    const id = manager.start('test', 'fail', { steps: 1, stepMs: 1, failWith: 'the flux capacitor broke' });
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('the flux capacitor broke');
  });

  it('fails a job whose process exits without a word, naming the exit code', async () => {
    const id = manager.start('test', 'exit', { steps: 1, stepMs: 1, exitCode: 3 });
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/exited with code 3/);
  });

  it('cancels cooperatively', async () => {
    const id = manager.start('test', 'long', { steps: 10_000, stepMs: 5 });
    await until(() => progress(id).length > 0);
    expect(manager.cancel(id)).toBe(true);
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('cancelled');
    expect(job.done).toBeLessThan(10_000);
    expect(manager.cancel(id)).toBe(false);
  });

  it('kills a job that ignores the cancel after the grace period', async () => {
    const id = manager.start('test', 'stubborn', { steps: 10_000, stepMs: 5, ignoreCancel: true });
    await until(() => progress(id).length > 0);
    manager.cancel(id);
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('cancelled');
  });

  it('marks a job failed when its process is killed with SIGKILL, and keeps going', async () => {
    const id = manager.start('test', 'victim', { steps: 10_000, stepMs: 5 });
    await until(() => progress(id).some((p) => /pid \d+/.test(p.message ?? '')));
    const pid = Number(/pid (\d+)/.exec(progress(id).find((p) => /pid \d+/.test(p.message ?? ''))!.message!)![1]);
    process.kill(pid, 'SIGKILL');
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/killed by SIGKILL/);
    // the host still runs jobs
    const next = await manager.whenFinished(manager.start('test', 'after', { steps: 2, stepMs: 1 }));
    expect(next.status).toBe('done');
  });

  it('queues jobs beyond maxConcurrent, starts them in turn, and cancels a queued one at once', async () => {
    const serial = new JobManager({ db, workspace: tmp.file('w.sqlite'), launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {}, maxConcurrent: 1 });
    const a = serial.start('test', 'a', { steps: 5, stepMs: 20 });
    const b = serial.start('test', 'b', { steps: 1, stepMs: 1 });
    const c = serial.start('test', 'c', { steps: 1, stepMs: 1 });
    expect([a, b, c].map((id) => getJob(db, id).status)).toEqual(['running', 'queued', 'queued']);
    expect(serial.cancel(c)).toBe(true);
    expect(getJob(db, c).status).toBe('cancelled');
    const [ja, jb] = await Promise.all([serial.whenFinished(a), serial.whenFinished(b)]);
    expect([ja.status, jb.status]).toEqual(['done', 'done']);
    // b started only after a had finished
    expect(jb.finishedAt! >= ja.finishedAt!).toBe(true);
    await serial.close();
  });

  it('runs one properties job per collection across managers (processes), saying where the other runs', async () => {
    const other = openWorkspace(tmp.file('w.sqlite'));
    const second = new JobManager({ db: other, workspace: tmp.file('w.sqlite'), launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {}, app: 'browser' });
    try {
      // collection 999 does not exist: the job fails once its process has started, long after these calls
      const id = manager.start('properties', 'p', { collectionId: 999 });
      expect(() => manager.start('properties', 'p again', { collectionId: 999 })).toThrow(`Job ${id} is already doing this (properties 999); wait for it or cancel it first.`);
      let error: unknown;
      try {
        second.start('properties', 'p elsewhere', { collectionId: 999 });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(JobConflictError);
      expect(error).toMatchObject({ status: 409, jobId: id, message: expect.stringContaining(`another Molscape process (app, pid ${process.pid})`) });
      // another collection is free
      const free = second.start('properties', 'q', { collectionId: 998 });
      await Promise.all([manager.whenFinished(id), second.whenFinished(free)]);
      // once it has ended, the key is free
      const again = second.start('properties', 'p later', { collectionId: 999 });
      expect((await second.whenFinished(again)).status).toBe('failed');
    } finally {
      await second.close();
      other.close();
    }
  });

  it('fails a job the launcher cannot start, and jobs a crashed run left running', async () => {
    const broken = new JobManager({
      db,
      workspace: tmp.file('w.sqlite'),
      launcher: () => {
        throw new Error('no such binary');
      },
      workerModule: 'nowhere',
      emit: () => {},
    });
    const id = broken.start('test', 'x', {});
    expect(getJob(db, id)).toMatchObject({ status: 'failed', error: 'Could not start the job process: no such binary' });
    const stale = createJob(db, 'import', 'left over', {}, 'running');
    expect(manager.recoverStale()).toEqual({ jobs: [stale], collections: [] });
    expect(getJob(db, stale)).toMatchObject({ status: 'failed' });
    expect(getJob(db, stale).error).toMatch(/app stopped/);
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
