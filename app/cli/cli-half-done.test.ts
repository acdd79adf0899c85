// Half-done work is never shown as done (issue 16, item 7), with real processes: a core stays open on a
// workspace (as browser mode or the desktop app does) while a CLI import fills a collection in another
// process. While it runs, the collection is listed as importing and no design call takes it; when that
// process is killed with SIGKILL, the open core's very next listing shows the job failed and the half
// collection gone: whoever looks notices, not the next start or heartbeat.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../main/handlers/core.ts';
import { openWorkspace } from '../../main/store/db.ts';
import { readSmilesFile } from '../../models/vae/data.ts';
import { cliRunner } from './test-support.ts';

const { tmp } = cliRunner('molscape-cli-half-done-');
const bin = fileURLToPath(new URL('./bin.mjs', import.meta.url));

function startImport(file: string, workspace: string): { child: ChildProcess; exited: Promise<string | null> } {
  const child = spawn(process.execPath, [bin, 'import', file, '-w', workspace, '--json', '--no-properties'], { cwd: tmp.dir, env: { ...process.env, MOLSCAPE_WORKSPACE: '' }, stdio: 'ignore' });
  return { child, exited: new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal))) };
}

describe('an import in another process, seen from an open core', () => {
  let zinc: string;
  beforeAll(() => {
    zinc = tmp.file('zinc20k.smi');
    writeFileSync(zinc, readSmilesFile(new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname, 20_000).smiles.join('\n') + '\n');
  });
  afterAll(() => tmp.remove());

  it('is listed as importing, refused to design calls, and once its process is killed it is failed and gone at the next look', async () => {
    const ws = tmp.file('w.sqlite');
    // the workspace exists before the import starts, and a core keeps it open throughout
    const core = await createCore({ workspace: ws, host: 'test' });
    const run = startImport(zinc, ws);
    try {
      let listed = await core.handlers['collections.list']({});
      for (const end = Date.now() + 60_000; !(listed.length && openCount(ws) > 0); listed = await core.handlers['collections.list']({})) {
        if (Date.now() > end) throw new Error('the import never wrote a molecule');
        await new Promise((r) => setTimeout(r, 25));
      }
      const [importing] = listed;
      const [job] = await core.handlers['jobs.list']({ limit: 10 });
      expect(job).toMatchObject({ kind: 'import', status: 'running' });
      expect(importing.importingJobId).toBe(job.id);
      // the table may show what has arrived; nothing uses it as a finished collection
      expect((await core.handlers['collections.molecules']({ collectionId: importing.id, offset: 0, limit: 5 })).rows.length).toBeGreaterThan(0);
      for (const [name, args] of [
        ['collections.export', { collectionId: importing.id, format: 'smi' }],
        ['collections.createFromFilter', { collectionId: importing.id, filter: { ranges: [] }, name: 'copy' }],
        ['latent.encodeCollection', { collectionId: importing.id }],
        ['models.train', { collectionId: importing.id, name: 'mine' }],
      ] as const) {
        await expect((core.handlers[name] as (a: unknown) => Promise<unknown>)(args), name).rejects.toMatchObject({
          status: 409,
          message: expect.stringMatching(/^The collection "zinc20k" is still being imported \(job \d+\)/),
        });
      }

      run.child.kill('SIGKILL');
      expect(await run.exited).toBe('SIGKILL');
      // the very next look, well inside the owners' 5 s clean-up round
      const started = Date.now();
      const after = await core.handlers['jobs.get']({ id: job.id });
      expect(after.status).toBe('failed');
      expect(after.error).toMatch(/\(cli, pid \d+\) stopped before the job finished/);
      expect(await core.handlers['collections.list']({})).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(openCount(ws)).toBe(0);
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await core.close();
    }
  }, 120_000);
});

/** Molecules in the workspace, read on a connection of its own. */
function openCount(ws: string): number {
  const db = openWorkspace(ws);
  try {
    return db.prepare('SELECT count(*) FROM molecules').pluck().get() as number;
  } finally {
    db.close();
  }
}
