// Two processes on one workspace (issue 18, item 1): a CLI import running in one process while other
// processes open the same workspace (another CLI command, a core as browser mode opens one) — nothing of
// the running import is lost; and a CLI import killed with SIGKILL is found dead and cleaned up by the next
// process that opens the workspace. Real processes, a real file of 20,000 ZINC molecules.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSmilesFile } from '../../models/vae/data.ts';
import { createCore } from '../../main/handlers/core.ts';
import { openWorkspace } from '../../main/store/db.ts';
import { cliRunner } from './test-support.ts';

const { tmp, molscape } = cliRunner('molscape-cli-shared-');
const bin = fileURLToPath(new URL('./bin.mjs', import.meta.url));
const LINES = 20_000;

/** Starts `molscape import FILE -w W --no-properties` in its own process; resolves its exit code and output. */
function startImport(file: string, workspace: string, ...more: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [bin, 'import', file, '-w', workspace, '--json', ...(more.length ? more : ['--no-properties'])], { cwd: tmp.dir, env: { ...process.env, MOLSCAPE_WORKSPACE: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Waits until the workspace holds some molecules of the running import (read-only look, no clean-up). */
async function untilImporting(workspace: string): Promise<void> {
  for (const end = Date.now() + 60_000; ; ) {
    if (Date.now() > end) throw new Error('the import never wrote a molecule');
    try {
      const db = openWorkspace(workspace);
      const n = db.prepare('SELECT count(*) FROM molecules').pluck().get() as number;
      db.close();
      if (n > 0) return;
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('processes sharing a workspace', () => {
  let zinc: string;
  beforeAll(() => {
    zinc = tmp.file('zinc20k.smi');
    writeFileSync(zinc, readSmilesFile(new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname, LINES).smiles.join('\n') + '\n');
  });
  afterAll(() => tmp.remove());

  it('an import keeps running while other processes open the same workspace', async () => {
    const ws = tmp.file('shared.sqlite');
    const first = startImport(zinc, ws);
    await untilImporting(ws);
    // a core opened in this process (what browser mode does at start) and a second CLI import, meanwhile
    const core = await createCore({ workspace: ws, host: 'test' });
    // deleting the collection another process is filling is refused (it would fail that import), not done
    const [importing] = await core.handlers['collections.list']({});
    await expect(core.handlers['collections.delete']({ id: importing.id })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/another Molscape process \(cli, pid \d+\)/) });
    writeFileSync(tmp.file('small.smi'), 'CCO ethanol\nc1ccccc1O phenol\n');
    const second = await molscape('import', 'small.smi', '-w', ws, '--no-properties', '--json');
    await core.close();
    const r = await first.done;
    expect(r.stderr).not.toMatch(/FOREIGN KEY|failed/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { collectionId: number; records: number; imported: number };
    expect(summary.records).toBe(LINES);
    expect(second.code).toBe(0);
    const db = openWorkspace(ws);
    expect(db.prepare('SELECT molecule_count FROM collections WHERE id = ?').pluck().get(summary.collectionId)).toBe(summary.imported);
    expect(db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(summary.collectionId)).toBe(summary.imported);
    expect(db.prepare("SELECT count(*) FROM jobs WHERE status <> 'done'").pluck().get()).toBe(0);
    db.close();
  }, 120_000);

  it('an import killed with SIGKILL is failed and its half collection removed by the next process to open the workspace', async () => {
    const ws = tmp.file('killed.sqlite');
    const first = startImport(zinc, ws);
    await untilImporting(ws);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const core = await createCore({ workspace: ws, host: 'test' });
    try {
      expect(await core.handlers['collections.list']({})).toEqual([]);
      const [job] = await core.handlers['jobs.list']({ limit: 10 });
      expect(job).toMatchObject({ kind: 'import', status: 'failed' });
      expect(job.error).toMatch(/stopped/);
    } finally {
      await core.close();
    }
    const db = openWorkspace(ws);
    expect(db.prepare('SELECT count(*) FROM molecules').pluck().get()).toBe(0);
    db.close();
  }, 120_000);

  it('two CLI imports at once, one killed with SIGKILL: the other completes whole, the killed one is cleaned up', async () => {
    const ws = tmp.file('two.sqlite');
    const first = startImport(zinc, ws, '--no-properties', '--name', 'first');
    await untilImporting(ws);
    const second = startImport(zinc, ws, '--no-properties', '--name', 'second');
    for (const end = Date.now() + 60_000; ; ) {
      if (Date.now() > end) throw new Error('the second import never wrote a molecule');
      const db = openWorkspace(ws);
      const n = db.prepare("SELECT count(*) FROM molecules m JOIN collections c ON c.id = m.collection_id WHERE c.name = 'second'").pluck().get() as number;
      db.close();
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    second.child.kill('SIGKILL');
    expect((await second.done).signal).toBe('SIGKILL');
    const r = await first.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { collectionId: number; records: number; imported: number };
    expect(summary.records).toBe(LINES);
    // the first import's own process saw the second die (its clean-up runs every few seconds) or this open does
    const core = await createCore({ workspace: ws, host: 'test' });
    try {
      expect((await core.handlers['collections.list']({})).map((c) => [c.name, c.moleculeCount])).toEqual([['first', summary.imported]]);
      const jobs = await core.handlers['jobs.list']({ limit: 10 });
      expect(jobs.map((j) => j.status).sort()).toEqual(['done', 'failed']);
    } finally {
      await core.close();
    }
    const db = openWorkspace(ws);
    expect(db.prepare('SELECT count(*) FROM molecules').pluck().get()).toBe(summary.imported);
    db.close();
  }, 120_000);

  it('a host that resumes properties does not start a second properties job beside a running one', async () => {
    const ws = tmp.file('props.sqlite');
    writeFileSync(tmp.file('zinc2k.smi'), readSmilesFile(zinc, 2000).smiles.join('\n') + '\n');
    const first = startImport('zinc2k.smi', ws, '--name', 'props');
    for (const end = Date.now() + 60_000; ; ) {
      if (Date.now() > end) throw new Error('the properties job never started');
      try {
        const db = openWorkspace(ws);
        const running = db.prepare("SELECT count(*) FROM jobs WHERE kind = 'properties' AND status = 'running'").pluck().get() as number;
        db.close();
        if (running) break;
      } catch {
        // not created yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    // what browser mode and the desktop app do when they open a workspace
    const core = await createCore({ workspace: ws, host: 'test', resumeProperties: true });
    const jobs = await core.handlers['jobs.list']({ limit: 10 });
    await core.close();
    expect(jobs.filter((j) => j.kind === 'properties')).toHaveLength(1);
    const r = await first.done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).properties).toMatch(/^computed for \d+ molecules$/);
  }, 120_000);
});
