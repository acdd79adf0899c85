// Runs the real CLI in a real process, the way `npx molscape` starts it (node bin.mjs), from a temp folder
// as the current directory so that relative paths are tested too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../main/store/test-util.ts';

const bin = fileURLToPath(new URL('./bin.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliRunner(prefix: string): { tmp: ReturnType<typeof tempDir>; molscape: (...args: string[]) => Promise<CliRun> } {
  const tmp = tempDir(prefix);
  const molscape = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      tmp.file('.');
      const child = spawn(process.execPath, [bin, ...args], { cwd: tmp.dir, env: { ...process.env, MOLSCAPE_WORKSPACE: '', MOLSCAPE_MODELS_DIR: tmp.file('user-models') } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return { tmp, molscape };
}
