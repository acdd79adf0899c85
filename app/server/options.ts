// Command-line options of `npm run serve` (app/server/main.ts), and where the workspace lives by default.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface ServeOptions {
  /** 0: a free port. */
  port: number;
  workspace: string;
  /**
   * Folders whose files a page may name by path (import, export, training...), absolute. None by default: a
   * page then brings files by upload and takes them as downloads (issue 18, item 3).
   */
  allowFolders: string[];
  /**
   * The token, when the user chose it: from MOLSCAPE_TOKEN in the environment, never from the command line,
   * where every user of the machine can read it (ps, /proc/PID/cmdline). Absent: a fresh random one.
   */
  token?: string;
  /** open the page in the default browser (through a private redirect file: the token on no command line) */
  open?: boolean;
}

export const usage = 'Usage: npm run serve -- [--port N] [--workspace FILE] [--allow-folder DIR]... [--open]  (a token of your own: MOLSCAPE_TOKEN in the environment)';

/**
 * The per-user data folder. On macOS and Windows it is where Electron's app.getPath('userData') points for
 * "Molscape"; on Linux it follows the XDG data convention (~/.local/share) where Electron uses ~/.config.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Molscape');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Molscape');
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(base, 'Molscape');
}

export function defaultWorkspace(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return join(userDataDir(env, platform, home), 'workspace.sqlite');
}

/** Parse argv (without node and the script); throws an Error whose message says what is wrong. */
export function parseServeOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  if (argv.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new Error('The token is never taken on the command line, where other users of this machine can read it: set MOLSCAPE_TOKEN in the environment instead.');
  }
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, workspace: { type: 'string' }, 'allow-folder': { type: 'string', multiple: true }, open: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  let port = 0;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new Error(`--port must be a number from 0 to 65535, not '${values.port}'.`);
    port = Number(values.port);
  }
  if (values.workspace !== undefined && values.workspace.trim() === '') throw new Error('--workspace needs a file path.');
  const workspace = values.workspace !== undefined ? path.resolve(values.workspace) : defaultWorkspace(env);
  const allowFolders = (values['allow-folder'] ?? []).map((folder) => {
    if (folder.trim() === '') throw new Error('--allow-folder needs a folder.');
    const full = path.resolve(folder);
    let isFolder: boolean;
    try {
      isFolder = statSync(full).isDirectory();
    } catch {
      throw new Error(`--allow-folder ${full}: there is no such folder.`);
    }
    if (!isFolder) throw new Error(`--allow-folder ${full} is not a folder.`);
    return full;
  });
  const token = env.MOLSCAPE_TOKEN;
  if (token !== undefined && !/^[A-Za-z0-9_-]{32,512}$/.test(token)) {
    throw new Error('MOLSCAPE_TOKEN must be 32 to 512 letters, digits, _ or - (a fresh random token is used when it is not set).');
  }
  const chosen: ServeOptions = token === undefined ? { port, workspace, allowFolders } : { port, workspace, allowFolders, token };
  return values.open ? { ...chosen, open: true } : chosen;
}
