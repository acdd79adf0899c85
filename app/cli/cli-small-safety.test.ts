// Issue 18, item 6, with the real CLI: untrusted text (file names, problem lines) never reaches the terminal
// as control characters; `props` refuses what is not a regular file instead of blocking on it; property jobs
// an earlier run left unfinished are finished by the next CLI command on the workspace.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCollection, updateCollectionCounts } from '../../main/store/collections.ts';
import { openWorkspace } from '../../main/store/db.ts';
import { createJob } from '../../main/store/jobs.ts';
import { insertMolecules } from '../../main/store/molecules.ts';
import { cliRunner } from './test-support.ts';
import { printable } from './terminal-text.ts';

const { tmp, molscape } = cliRunner('molscape-cli-safety-');
// eslint-disable-next-line no-control-regex -- what must not reach a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('the CLI and untrusted text', () => {
  afterAll(() => tmp.remove());

  it('escapes control characters', () => {
    expect(printable('a\u001b[2Jb\u0007c\u009bd\re\u202ef')).toBe('a\\x1b[2Jb\\x07c\\x9bd\\re\\u202ef');
    expect(printable('CC(=O)N/C=C\\\\C ok')).toBe('CC(=O)N/C=C\\\\C ok');
  });

  it('import echoes file names and problem lines escaped', async () => {
    const name = 'evil\u001b]0;owned\u0007\u001b[2J.smi';
    writeFileSync(tmp.file(name), 'CCO ethanol\nC1CC\u001b[31mred broken\n');
    const r = await molscape('import', name, '-w', 'esc.sqlite', '--no-properties');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stdout).toContain('evil\\x1b]0;owned\\x07\\x1b[2J.smi');
    expect(r.stdout).toMatch(/evil\\x1b.*\.smi:2: /);
    // the collection's name (from the file's) when another command lists the workspace's collections
    const search = await molscape('search', '--similar', 'CCO', '-w', 'esc.sqlite', '-c', 'nothing');
    expect(search.code).not.toBe(0);
    expect(search.stderr).toContain('"evil\\x1b]0;owned\\x07\\x1b[2J"');
    expect(search.stderr).not.toMatch(CONTROL);
    const missing = await molscape('import', 'gone\u001b[2J.smi', '-w', 'esc.sqlite');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('gone\\x1b[2J.smi');
    expect(missing.stderr).not.toMatch(CONTROL);
  });

  it('props prints problems escaped, and refuses a FIFO or a folder instead of blocking', async () => {
    writeFileSync(tmp.file('p\u001b[2J.smi'), 'CCO\nC1CC\n');
    const p = await molscape('props', 'p\u001b[2J.smi');
    expect(p.code).toBe(0);
    expect(p.stderr).toContain('p\\x1b[2J.smi:2: ');
    expect(p.stderr).not.toMatch(CONTROL);

    execFileSync('mkfifo', [tmp.file('pipe.smi')]);
    const fifo = await Promise.race([
      molscape('props', 'pipe.smi'),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000)),
    ]);
    // a blocked reader would never answer: open the FIFO's other end so the run ends, and fail
    if (fifo === null) {
      spawn('sh', ['-c', `: > '${tmp.file('pipe.smi')}'`]);
      throw new Error('molscape props blocked on a FIFO');
    }
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toMatch(/pipe\.smi: it is not a file/);
    const folder = await molscape('props', '.');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/it is not a file/);
    const none = await molscape('props', 'nowhere.smi');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nowhere\.smi: there is no such file/);
  }, 60_000);

  it('the next CLI command on a workspace finishes properties an earlier run left unfinished', async () => {
    const ws = tmp.file('resume.sqlite');
    const db = openWorkspace(ws);
    const molecules = ['CCO', 'c1ccccc1O', 'CC(=O)Nc1ccc(O)cc1'].map((s, i) => ({ position: i + 1, name: `m${i + 1}`, smiles: s, canonicalSmiles: s, sourceLine: i + 1 }));
    const half = createCollection(db, { name: 'half', kind: 'imported' });
    insertMolecules(db, half, molecules);
    updateCollectionCounts(db, half, { moleculeCount: 3 });
    // a CLI import stopped during its properties (Ctrl-C cancels them)
    const job = createJob(db, 'properties', 'Properties of half', { collectionId: half }, 'running');
    db.prepare("UPDATE jobs SET status = 'cancelled' WHERE id = ?").run(job);
    // imported with --no-properties: stays without
    const bare = createCollection(db, { name: 'bare', kind: 'imported' });
    insertMolecules(db, bare, molecules);
    updateCollectionCounts(db, bare, { moleculeCount: 3 });
    db.close();

    const r = await molscape('export', '-w', ws, '-c', 'half', '--format', 'csv', '--out', 'half.csv');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Properties of half \(left unfinished by an earlier run\): computed for 3 molecules$/m);
    const after = openWorkspace(ws);
    expect(after.prepare('SELECT name, properties_done FROM collections ORDER BY id').all()).toEqual([
      { name: 'half', properties_done: 3 },
      { name: 'bare', properties_done: 0 },
    ]);
    // the same through an import of another file: the import runs, the interrupted properties are finished
    const again = createJob(after, 'properties', 'Properties of bare', { collectionId: bare }, 'running');
    after.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").run(again);
    after.close();
    writeFileSync(tmp.file('one.smi'), 'CCN\n');
    const i = await molscape('import', 'one.smi', '-w', ws, '--no-properties');
    expect(i.code).toBe(0);
    expect(i.stderr).toMatch(/^Properties of bare \(left unfinished by an earlier run\): computed for 3 molecules$/m);
    const last = openWorkspace(ws);
    expect(last.prepare('SELECT name, properties_done FROM collections ORDER BY id').all()).toEqual([
      { name: 'half', properties_done: 3 },
      { name: 'bare', properties_done: 3 },
      { name: 'one', properties_done: 0 },
    ]);
    last.close();
  }, 60_000);
});
