// The real CLI: help and usage errors (exit code 2).
import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { cliRunner } from './test-support.ts';

const { tmp, molscape } = cliRunner('molscape-cli-');

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

  it('runs through a symlink from another directory, as node_modules/.bin/molscape does for npx', async () => {
    const link = tmp.file('molscape');
    symlinkSync(fileURLToPath(new URL('./bin.mjs', import.meta.url)), link);
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(link, ['--version'], { cwd: tmpdir() });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r).toEqual({ code: 0, out: `${pkg.version}\n` });
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
});
