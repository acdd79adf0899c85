// The real CLI in a real process, started the way `npx molscape` starts it (node bin.mjs), from another
// current directory, with relative paths.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../main/store/test-util.ts';

const bin = fileURLToPath(new URL('./bin.mjs', import.meta.url));
const tmp = tempDir('molscape-cli-');

function molscape(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: tmp.dir, env: { ...process.env, MOLSCAPE_WORKSPACE: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('molscape CLI', () => {
  afterAll(() => tmp.remove());

  it('prints help and exits 0', async () => {
    const [top, sub] = await Promise.all([molscape('--help'), molscape('import', '--help')]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: molscape/);
    expect(top.stdout).toMatch(/import \[options\] <file>/);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--workspace <db>/);
  });

  it('exits 2 on usage errors, saying what is wrong', async () => {
    const [unknown, noFile, noWorkspace, noCommand] = await Promise.all([
      molscape('import', 'x.smi', '-w', 'w.sqlite', '--frobnicate'),
      molscape('import', '-w', 'w.sqlite'),
      molscape('import', 'x.smi'),
      molscape('frobnicate'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/missing required argument 'file'/);
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toMatch(/--workspace/);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('imports a file given relative to the current directory and prints the summary with each problem', async () => {
    tmp.file('x');
    writeFileSync(tmp.file('set.smi'), 'CCO ethanol\nC1CC broken\nOCC ethanol-again\nc1ccccc1 benzene\n');
    const r = await molscape('import', 'set.smi', '--workspace', 'ws.sqlite', '--name', 'My set');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as collection 1 "My set"/);
    expect(r.stdout).toMatch(/imported: +2\n/);
    expect(r.stdout).toMatch(/duplicates: +1\n/);
    expect(r.stdout).toMatch(/problems: +1\n/);
    expect(r.stdout).toMatch(/properties: +computed for 2 molecules/);
    expect(r.stdout).toMatch(/^ {2}set\.smi:2: .*unclosed ring/m);

    // a second import into the same workspace, as JSON
    const j = await molscape('import', 'set.smi', '-w', 'ws.sqlite', '--json', '--no-properties');
    expect(j.code).toBe(0);
    const summary = JSON.parse(j.stdout);
    expect(summary).toMatchObject({ collectionId: 2, imported: 2, duplicates: 1, problems: 1, properties: null });
    expect(summary.problemList).toEqual([expect.objectContaining({ file: 'set.smi', line: 2 })]);
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
});
