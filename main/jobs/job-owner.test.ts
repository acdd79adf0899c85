// Job owners with real processes and a real workspace: which owners are gone (a dead pid, a zombie, a reused
// pid, a silent owner on another machine), and what clean-up does with their jobs and half-imported
// collections, at start and from a live owner's heartbeat.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollection, listCollections } from '../store/collections.ts';
import { openWorkspace, type Db } from '../store/db.ts';
import { listOwners, registerOwner, type OwnerRow } from '../store/job-owners.ts';
import { createJob, getJob } from '../store/jobs.ts';
import { tempDir } from '../store/test-util.ts';
import { JobOwner, ownerGone, processStart, SAME_HOST_STALE_MS, STALE_MS, type Reaped } from './job-owner.ts';
import { hostname } from 'node:os';

const sleeper = (): ChildProcess => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

const row = (o: Partial<OwnerRow>): OwnerRow => ({
  id: 'x',
  host: hostname(),
  pid: process.pid,
  process_start: processStart(process.pid),
  app: 'test',
  started_at: '',
  heartbeat_at: Date.now(),
  ...o,
});

describe('job owners', () => {
  const tmp = tempDir();
  let db: Db;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    db = openWorkspace(tmp.file('w.sqlite'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    db.close();
    tmp.remove();
  });

  it('tells a live process from a gone one on this machine, and a silent one on another', async () => {
    const now = Date.now();
    expect(ownerGone(row({}), now)).toBeNull();
    // alive, even when its heartbeat is old: on Linux the pid and its start time say so
    expect(ownerGone(row({ heartbeat_at: now - 10 * SAME_HOST_STALE_MS }), now)).toBeNull();
    // the same pid started at another time: a reused pid
    expect(ownerGone(row({ process_start: '1' }), now)).toMatch(/stopped/);
    const child = sleeper();
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    const start = processStart(child.pid!);
    expect(start).toMatch(/^\d+$/);
    expect(ownerGone(row({ pid: child.pid!, process_start: start }), now)).toBeNull();
    child.kill('SIGKILL');
    await exited(child);
    expect(ownerGone(row({ pid: child.pid!, process_start: start }), now)).toMatch(/pid \d+\) stopped before the job finished/);
    // another machine: only the heartbeat can tell
    expect(ownerGone(row({ host: 'elsewhere', pid: 1, heartbeat_at: now - 5_000 }), now)).toBeNull();
    expect(ownerGone(row({ host: 'elsewhere', pid: 1, heartbeat_at: now - STALE_MS - 1 }), now)).toMatch(/on elsewhere stopped: no sign of it for \d+ s/);
  });

  it('a zombie (exited, not yet collected by its parent) is gone', async () => {
    // a parent that forks a child which exits at once, and sleeps without collecting it (Python with SIGCHLD
    // at its default: a shell tried for this here collected its child before the test could see it)
    const code = 'import os, signal, time\nsignal.signal(signal.SIGCHLD, signal.SIG_DFL)\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)';
    const parent = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
    for (const end = Date.now() + 5_000; processStart(pid) !== 'exited'; ) {
      if (Date.now() > end) throw new Error(`pid ${pid} never became a zombie`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ownerGone(row({ pid, process_start: '12345' }), Date.now())).toMatch(/stopped/);
  });

  it('clean-up fails only the jobs of gone owners and of none, and removes only their half imports', async () => {
    const live = sleeper();
    const dead = sleeper();
    children.push(live, dead);
    await Promise.all([live, dead].map((c) => new Promise((r) => c.once('spawn', r))));
    const owner = (id: string, c: ChildProcess) => registerOwner(db, { id, host: hostname(), pid: c.pid!, process_start: processStart(c.pid!), app: 'cli', heartbeat_at: Date.now() });
    owner('live', live);
    owner('dead', dead);
    const liveJob = createJob(db, 'import', 'live import', {}, 'running', { ownerId: 'live' });
    const deadJob = createJob(db, 'import', 'dead import', {}, 'running', { ownerId: 'dead' });
    const queued = createJob(db, 'properties', 'dead queued', { collectionId: 1 }, 'queued', { ownerId: 'dead', lockKey: 'properties 1' });
    const ownerless = createJob(db, 'encode', 'from an older version', {}, 'running');
    const finished = createJob(db, 'import', 'done before', {}, 'running', { ownerId: 'dead' });
    db.prepare("UPDATE jobs SET status = 'done' WHERE id = ?").run(finished);
    createCollection(db, { name: 'being imported', kind: 'imported', importingJobId: liveJob });
    createCollection(db, { name: 'half', kind: 'imported', importingJobId: deadJob });
    createCollection(db, { name: 'whole', kind: 'imported' });
    dead.kill('SIGKILL');
    await exited(dead);

    const me = new JobOwner(db, { app: 'test' });
    try {
      const reaped = me.reap();
      expect(reaped.jobs.sort()).toEqual([deadJob, queued, ownerless].sort());
      expect(reaped.collections).toHaveLength(1);
      expect(getJob(db, deadJob)).toMatchObject({ status: 'failed', error: `The process that ran this job (cli, pid ${dead.pid}) stopped before the job finished.` });
      expect(getJob(db, ownerless).error).toMatch(/app stopped/);
      expect(getJob(db, liveJob).status).toBe('running');
      expect(getJob(db, finished).status).toBe('done');
      expect(listCollections(db).map((c) => c.name).sort()).toEqual(['being imported', 'whole']);
      expect(listOwners(db).map((o) => o.id).sort()).toEqual(['live', me.id].sort());
      // the dead owner's key is free again
      expect(createJob(db, 'properties', 'again', { collectionId: 1 }, 'running', { ownerId: me.id, lockKey: 'properties 1' })).toBeGreaterThan(queued);
      // a second clean-up finds nothing
      expect(me.reap()).toEqual({ jobs: [], collections: [] });
    } finally {
      me.close();
    }
    expect(listOwners(db).map((o) => o.id)).toEqual(['live']);
  });

  it('an owner whose row another process removed keeps its own jobs and registers again on its next heartbeat', async () => {
    const me = new JobOwner(db, { app: 'test', heartbeatMs: 100, reapMs: 20 });
    try {
      const mine = createJob(db, 'import', 'mine', {}, 'running', { ownerId: me.id });
      db.prepare('DELETE FROM job_owners WHERE id = ?').run(me.id);
      expect(me.reap()).toEqual({ jobs: [], collections: [] });
      expect(getJob(db, mine).status).toBe('running');
      for (const end = Date.now() + 5_000; !listOwners(db).some((o) => o.id === me.id); ) {
        if (Date.now() > end) throw new Error('never registered again');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(getJob(db, mine).status).toBe('running');
    } finally {
      me.close();
    }
  });

  it('a live owner notices on its heartbeat that another one died, and cleans up after it', async () => {
    const other = sleeper();
    children.push(other);
    await new Promise((r) => other.once('spawn', r));
    registerOwner(db, { id: 'other', host: hostname(), pid: other.pid!, process_start: processStart(other.pid!), app: 'browser', heartbeat_at: Date.now() });
    const job = createJob(db, 'import', 'theirs', {}, 'running', { ownerId: 'other' });
    createCollection(db, { name: 'theirs', kind: 'imported', importingJobId: job });
    const seen: Reaped[] = [];
    const me = new JobOwner(db, { app: 'test', heartbeatMs: 50, onReaped: (r) => seen.push(r) });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([]);
      const before = db.prepare('SELECT heartbeat_at FROM job_owners WHERE id = ?').pluck().get(me.id) as number;
      other.kill('SIGKILL');
      await exited(other);
      for (const end = Date.now() + 5_000; !seen.length; ) {
        if (Date.now() > end) throw new Error('the heartbeat never cleaned up');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen[0]).toMatchObject({ jobs: [job] });
      expect(seen[0].collections).toHaveLength(1);
      expect(getJob(db, job).status).toBe('failed');
      // and it goes on beating (the clean-up may come from a beat that was not due to refresh the heartbeat)
      const beatAt = () => db.prepare('SELECT heartbeat_at FROM job_owners WHERE id = ?').pluck().get(me.id) as number;
      for (const end = Date.now() + 5_000; beatAt() <= before; ) {
        if (Date.now() > end) throw new Error('the heartbeat stopped after the clean-up');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      me.close();
    }
  });
});
