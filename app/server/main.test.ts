// `npm run serve`'s entry as a real process over the real core: the one line it prints, real calls and an
// upload through the printed address with the job's end on the WebSocket, and a clean stop on SIGTERM / SIGINT.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from './test-support.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'molscape-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[], env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; firstLine: Promise<string>; stdout: string[]; stderr: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts', ...args], { cwd: root, env: { ...process.env, XDG_DATA_HOME: dir, ...env } });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(String(d)));
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      stdout.push(line);
      if (stdout.length === 1) resolve(line);
    });
    child.on('exit', () => reject(new Error(`exited before printing: ${stderr.join('')}`)));
  });
  // A run that fails on purpose never prints: that is the test's to check, not an unhandled rejection.
  firstLine.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLine, stdout, stderr, exit };
}

const lineFormat = /^Molscape is serving at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;

describe('app/server/main.ts', () => {
  it('prints exactly one line, serves the real core there, and stops cleanly on SIGTERM', async () => {
    const workspace = path.join(dir, 'a', 'w.sqlite');
    const run = serve(['--port', '0', '--workspace', workspace]);
    const line = await run.firstLine;
    const [, port, token] = lineFormat.exec(line) ?? [];
    expect(line).toMatch(lineFormat);
    const info = await rawRequest(Number(port), {
      method: 'POST',
      path: '/api/app.info',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({ name: 'Molscape', host: 'browser', workspace });
    const list = await rawRequest(Number(port), { method: 'POST', path: '/api/collections.list', headers: { Authorization: `Bearer ${token}` } });
    expect(list.json()).toEqual([]);
    expect((await rawRequest(Number(port), { method: 'POST', path: '/api/collections.list' })).status).toBe(401);

    // An upload through HTTP, its job's end through the WebSocket, the result through HTTP again.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events?token=${token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const events: Array<{ event: string; payload: { jobId?: number; status?: string } }> = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));
    const base64 = Buffer.from('CCO ethanol\nc1ccccc1 benzene\nC1CC broken\n').toString('base64');
    const started = await rawRequest(Number(port), {
      method: 'POST',
      path: '/api/collections.import',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: { kind: 'upload', fileName: 'set.smi', base64 }, properties: false }),
    });
    expect(started.status).toBe(200);
    const { jobId } = started.json() as { jobId: number };
    const finished = await new Promise<(typeof events)[number]>((resolve) => {
      const look = () => events.find((e) => e.event === 'job.finished' && e.payload.jobId === jobId);
      const found = look();
      if (found) resolve(found);
      else ws.on('message', () => look() && resolve(look()!));
    });
    expect(finished.payload.status).toBe('done');
    ws.close();
    const after = await rawRequest(Number(port), { method: 'POST', path: '/api/collections.list', headers: { Authorization: `Bearer ${token}` } });
    expect(after.json()).toMatchObject([{ name: 'set', moleculeCount: 2, problemCount: 1 }]);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout).toEqual([line]);
    expect(existsSync(workspace)).toBe(true);
  });

  it('takes paths only inside the folders granted with --allow-folder; none without', async () => {
    const granted = path.join(dir, 'granted');
    mkdirSync(granted);
    writeFileSync(path.join(granted, 'set.smi'), 'CCO ethanol\n');
    writeFileSync(path.join(dir, 'private.smi'), 'CCO secret\n');
    const call = (port: string, token: string, name: string, args: unknown) =>
      rawRequest(Number(port), { method: 'POST', path: `/api/${name}`, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
    const run = serve(['--workspace', path.join(dir, 'g', 'w.sqlite'), '--allow-folder', granted]);
    const [, port, token] = lineFormat.exec(await run.firstLine) ?? [];
    const inside = await call(port, token, 'collections.import', { source: { kind: 'path', path: path.join(granted, 'set.smi') }, properties: false });
    expect(inside.status).toBe(200);
    for (const [name, args] of [
      ['collections.import', { source: { kind: 'path', path: path.join(dir, 'private.smi') } }],
      ['models.doctor', { path: '/etc/passwd' }],
      ['collections.export', { collectionId: 1, format: 'smi', path: path.join(dir, 'out.smi') }],
    ] as const) {
      const res = await call(port, token, name, args);
      expect(res.status, name).toBe(403);
      expect((res.json() as { error: string }).error, name).toMatch(/^Refused: .*--allow-folder/);
    }
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const none = serve(['--workspace', path.join(dir, 'h', 'w.sqlite')]);
    const [, port2, token2] = lineFormat.exec(await none.firstLine) ?? [];
    const refused = await call(port2, token2, 'collections.import', { source: { kind: 'path', path: path.join(granted, 'set.smi') } });
    expect(refused.status).toBe(403);
    none.child.kill('SIGTERM');
    expect(await none.exit).toBe(0);
  });

  it('uses the per-user workspace by default and a fresh token each run; stops on SIGINT', async () => {
    const first = serve([]);
    const [, , token1] = lineFormat.exec(await first.firstLine) ?? [];
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(existsSync(path.join(dir, 'Molscape', 'workspace.sqlite'))).toBe(true);
    const second = serve([]);
    const [, , token2] = lineFormat.exec(await second.firstLine) ?? [];
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    expect(token1).toBeDefined();
    expect(token2).not.toBe(token1);
  });

  it('says why it cannot start (port taken, workspace unusable) on stderr, prints nothing, exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const run = serve(['--port', String((taken.address() as AddressInfo).port), '--workspace', path.join(dir, 'b', 'w.sqlite')]);
      expect(await run.exit).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr.join('')).toContain('the port is already in use');
    } finally {
      taken.close();
    }
    // A folder where the workspace file should be.
    const folder = path.join(dir, 'c');
    mkdirSync(folder);
    const run = serve(['--workspace', folder]);
    expect(await run.exit).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr.join('')).toMatch(/^molscape: could not start: /m);
  });

  it.runIf(process.platform === 'linux')('takes a chosen token from MOLSCAPE_TOKEN only: on no command line, in no job process, printed nowhere', async () => {
    const token = 'chosen_token_' + 'x'.repeat(40);
    const refused = serve(['--token', token]);
    expect(await refused.exit).toBe(2);
    expect(refused.stderr.join('')).toMatch(/never taken on the command line.*MOLSCAPE_TOKEN/);

    const run = serve(['--workspace', path.join(dir, 't', 'w.sqlite')], { MOLSCAPE_TOKEN: token });
    const line = await run.firstLine;
    expect(line).not.toContain(token);
    const port = Number(/127\.0\.0\.1:(\d+)\//.exec(line)?.[1]);
    const call = (name: string, args: unknown, t = token) =>
      rawRequest(port, { method: 'POST', path: `/api/${name}`, headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
    expect((await call('app.info', {})).status).toBe(200);
    expect((await call('app.info', {}, 'y'.repeat(53))).status).toBe(401);

    // every process the server starts while it imports (the import and properties jobs), looked at as they run
    const children = new Map<number, { cmdline: string; environ: string }>();
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    };
    const scan = () => {
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
        const stat = read(`/proc/${pid}/stat`);
        const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : -1;
        if (ppid !== run.child.pid || children.has(pid)) continue;
        const cmdline = read(`/proc/${pid}/cmdline`);
        const environ = read(`/proc/${pid}/environ`);
        // between fork and exec a child is still a copy of the server (its start-up environment included): look
        // again once it runs its own program
        if (cmdline === null || environ === null || cmdline === read(`/proc/${run.child.pid}/cmdline`)) continue;
        children.set(pid, { cmdline, environ });
      }
    };
    const lines = readFileSync(path.join(root, '..', 'shared', 'data', 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').slice(0, 200).join('\n');
    const started = await call('collections.import', { source: { kind: 'upload', fileName: 'series.smi', base64: Buffer.from(lines).toString('base64') } });
    expect(started.status).toBe(200);
    const { jobId } = started.json() as { jobId: number };
    for (let i = 0; i < 600; i++) {
      scan();
      const job = (await call('jobs.get', { id: jobId })).json() as { status: string; result: { propertiesJobId?: number } | null };
      const props = job.result?.propertiesJobId;
      const propsDone = props ? ((await call('jobs.get', { id: props })).json() as { status: string }).status !== 'running' : false;
      if (job.status !== 'running' && job.status !== 'queued' && (props === undefined || propsDone)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(children.size).toBeGreaterThan(0);
    const own = read(`/proc/${run.child.pid}/cmdline`) ?? '';
    expect(own).toContain('app/server/main.ts');
    expect(own).not.toContain(token);
    for (const [pid, c] of children) {
      expect(c.cmdline, `argv of ${pid}`).not.toContain(token);
      expect(c.environ, `environment of ${pid}`).not.toContain(token);
    }
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout.join('\n') + run.stderr.join('')).not.toContain(token);
  });

  it('says what is wrong with its options, on stderr, and exits non-zero', async () => {
    const run = serve(['--port', 'eighty']);
    expect(await run.exit).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr.join('')).toContain('--port must be a number');
  });
});
