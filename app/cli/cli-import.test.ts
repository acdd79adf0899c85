// The real CLI importing files: summary, problems, exit codes 0 and 1.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './test-support.ts';

const { tmp, molscape } = cliRunner('molscape-cli-import-');

describe('molscape import', () => {
  afterAll(() => tmp.remove());

  it('imports a file given relative to the current directory and prints the summary with each problem', async () => {
    writeFileSync(tmp.file('set.smi'), 'CCO ethanol\nC1CC broken\nOCC ethanol-again\nc1ccccc1 benzene\n');
    // the same file twice at once: with properties and a summary, and into another workspace as JSON
    const [r, j] = await Promise.all([
      molscape('import', 'set.smi', '--workspace', 'ws.sqlite', '--name', 'My set'),
      molscape('import', 'set.smi', '-w', 'other/ws.sqlite', '--json', '--no-properties'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as collection 1 "My set"/);
    expect(r.stdout).toMatch(/imported: +2\n/);
    expect(r.stdout).toMatch(/duplicates: +1\n/);
    expect(r.stdout).toMatch(/problems: +1\n/);
    expect(r.stdout).toMatch(/^Properties: computed for 2 molecules$/m);
    expect(r.stdout).toMatch(/^ {2}set\.smi:2: .*unclosed ring/m);

    expect(j.code).toBe(0);
    const summary = JSON.parse(j.stdout);
    expect(summary).toMatchObject({ collectionId: 1, imported: 2, duplicates: 1, problems: 1, properties: null });
    expect(summary.problemList).toEqual([expect.objectContaining({ file: 'set.smi', line: 2 })]);
  });

  it('shows progress on stderr when it is a terminal', async () => {
    writeFileSync(tmp.file('tty.smi'), 'CCO\nCCN\n');
    // util-linux `script` gives the CLI a pseudo-terminal; its output is the terminal's
    const bin = new URL('./bin.mjs', import.meta.url).pathname;
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', `'${process.execPath}' '${bin}' import tty.smi -w tty.sqlite --no-properties`, '/dev/null'], { cwd: tmp.dir });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('\r\u001b[2KImporting: ');
    expect(r.out).toMatch(/imported: +2/);
  });

  it('stops on SIGTERM: the import is cancelled, its collection removed, exit code 130', async () => {
    const path = new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname;
    const child = spawn(process.execPath, [new URL('./bin.mjs', import.meta.url).pathname, 'import', path, '-w', 'term.sqlite'], { cwd: tmp.dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // wait until the collection is there, then ask the CLI to stop
    const { openWorkspace } = await import('../../main/store/db.ts');
    const { existsSync } = await import('node:fs');
    for (const end = Date.now() + 60_000; ; ) {
      if (Date.now() > end) throw new Error('the import never started');
      if (existsSync(tmp.file('term.sqlite'))) {
        const db = openWorkspace(tmp.file('term.sqlite'));
        const n = (db.prepare('SELECT count(*) AS n FROM molecules').get() as { n: number }).n;
        db.close();
        if (n > 0) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    expect(await code).toBe(130);
    expect(stderr).toMatch(/Interrupted/);
    const db = openWorkspace(tmp.file('term.sqlite'));
    expect(db.prepare('SELECT count(*) AS n FROM collections').get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT status FROM jobs WHERE kind = 'import'").get()).toEqual({ status: 'cancelled' });
    db.close();
  });

  it('exits 1 when nothing was imported: every line bad, or no such file', async () => {
    writeFileSync(tmp.file('bad.smi'), 'C1CC\nc1cccc1\n');
    const [bad, missing] = await Promise.all([molscape('import', 'bad.smi', '-w', 'ws2.sqlite', '--no-properties'), molscape('import', 'nowhere.smi', '-w', 'ws3.sqlite')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/imported: +0\n/);
    expect(bad.stdout).toMatch(/bad\.smi:2: .*kekulize/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere\.smi: there is no such file/);
  });

  it('lists stripped salts and duplicates, merges duplicate values by default and keeps them with --duplicates keep', async () => {
    // the case: the salt row holds SR-MMP = 0, the free base a blank; neither value may be lost
    writeFileSync(tmp.file('assay.csv'), 'smiles,name,SR-MMP\nCC(=O)Nc1ccc(O)cc1,paracetamol,\nCC(=O)Nc1ccc(O)cc1.Cl,paracetamol HCl,0\nCCN(CC)CC.Cl,tea HCl,1\nCCN(CC)CC,tea,0\n');
    const [merged, kept, wrong] = await Promise.all([
      molscape('import', 'assay.csv', '-w', 'dup1.sqlite', '--no-properties'),
      molscape('import', 'assay.csv', '-w', 'dup2.sqlite', '--no-properties', '--duplicates', 'keep', '--json'),
      molscape('import', 'assay.csv', '-w', 'dup3.sqlite', '--duplicates', 'drop'),
    ]);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/duplicates: +2\n +merged into the first row: its empty columns took their values; 1 with conflicting values/);
    expect(merged.stdout).toMatch(/^Warnings \(imported; check these\):\n {2}assay\.csv:5: duplicate of line 4 \(tea HCl\) with different values: SR-MMP 1 kept, 0 here/m);
    expect(merged.stdout).toMatch(/^ {2}assay\.csv:3: salt\/fragment stripped: kept the largest fragment CC\(=O\)Nc1ccc\(O\)cc1, removed Cl/m);
    expect(merged.stdout).toMatch(/^ {2}assay\.csv:3: duplicate: the same parent structure as line 2 \(paracetamol\).*merged into it \(its values for SR-MMP filled/m);
    const { openWorkspace } = await import('../../main/store/db.ts');
    const db = openWorkspace(tmp.file('dup1.sqlite'));
    expect(db.prepare('SELECT name, user_props FROM molecules ORDER BY position').all()).toEqual([
      { name: 'paracetamol', user_props: '{"SR-MMP":0}' },
      { name: 'tea HCl', user_props: '{"SR-MMP":1}' },
    ]);
    db.close();

    expect(kept.code).toBe(0);
    const summary = JSON.parse(kept.stdout);
    expect(summary).toMatchObject({ imported: 4, duplicates: 2, duplicateMode: 'keep', problems: 0, notes: 4 });
    expect(summary.problemList).toEqual([]);
    expect(summary.changeList.map((p: { line: number; severity: string }) => [p.line, p.severity])).toEqual([[3, 'info'], [3, 'info'], [4, 'info'], [5, 'info']]);

    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--duplicates.*drop.*merge, keep/);
  });

  it('a hostile file keeps its good records and says where the bad bytes are', async () => {
    const good = Array.from({ length: 50 }, (_, i) => `${'C'.repeat(1 + i)}O m${i}`);
    writeFileSync(tmp.file('nul.smi'), `${good.slice(0, 20).join('\n')}\n${'\u0000'.repeat(5000)}\n${good.slice(20).join('\n')}\n`);
    const r = await molscape('import', 'nul.smi', '-w', 'hostile.sqlite', '--no-properties');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/records read: +51\n/);
    expect(r.stdout).toMatch(/imported: +50\n/);
    expect(r.stdout).toMatch(/problems: +1\n/);
    expect(r.stdout).toMatch(/^ {2}nul\.smi:21: binary or control character \(code 0\) at column 1/m);
  });
});
