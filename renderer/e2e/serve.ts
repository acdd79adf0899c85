// Start browser mode for real, as a chemist would: `node --import tsx app/server/main.ts --port 0 --workspace
// FILE`, and read the one line it prints with the address. Stopped with SIGTERM (its clean shutdown path).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Served {
  url: string;
  origin: string;
  workspaceDir: string;
  /** Everything the server wrote to stderr, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const line = /^Molscape is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m;

/** Serves a fresh workspace, or the one given (which is then left in place). */
export async function serve(workspace?: string): Promise<Served> {
  const workspaceDir = workspace ? path.dirname(workspace) : mkdtempSync(path.join(tmpdir(), 'molscape-e2e-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'app/server/main.ts', '--port', '0', '--workspace', workspace ?? path.join(workspaceDir, 'workspace.sqlite')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk) => (err += chunk));
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server printed no address within 60 s.\nstdout: ${out}\nstderr: ${err}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = line.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}) before printing its address.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  let url: string;
  try {
    url = await started;
  } catch (error) {
    // Leave nothing behind when the server did not come up.
    await stop(child, workspace ? null : workspaceDir);
    throw error;
  }
  return {
    url,
    origin: new URL(url).origin,
    workspaceDir,
    stderr: () => err,
    stop: () => stop(child, workspace ? null : workspaceDir),
  };
}

async function stop(child: ChildProcess, workspaceDir: string | null) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
}
