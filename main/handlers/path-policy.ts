// Which paths on this machine a call from a UI may name (issue 18, item 3). A page in browser mode is reachable by
// whoever holds the token, and a renderer can be compromised: neither may read, write or replace whatever the user
// can. So a path argument is honoured only where the user chose it: inside a folder granted when browser mode
// was started (`--allow-folder`), or a file the desktop host saw the user pick in a native dialog or drop on the
// window (the host records it as a grant; the page cannot make one). The CLI and tests keep plain paths.
// Checked in one place, guardPaths, wrapped around every handler by createCore.
import fs from 'node:fs';
import path from 'node:path';
import type { CallName, Handlers } from '../api/contract.ts';
import { UserError } from './errors.ts';

/** read: an existing file or bundle folder is read; write: a file or folder is created or written there. */
export type PathUse = 'read' | 'write';

export interface PathPolicy {
  /**
   * The path to use for `given` (the real path, links resolved, so what was checked is what is opened), or a
   * 403 UserError when this session may not use it. `what` names the argument for the message.
   */
  check(given: string, use: PathUse, what: string): string;
}

/** The CLI's and the tests' policy: the user typed the path. */
export const allowAllPaths: PathPolicy = { check: (given) => given };

/**
 * The real path of `p`, also when it does not exist yet (a file to write, a folder to create): the real path
 * of its nearest existing ancestor, then the rest as written. `p` is absolute and normalized, so the rest holds
 * no '..' to climb out with.
 */
export function realPathOf(p: string): string {
  const missing: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file where a folder of the path should be; the path cannot exist, its parent decides
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = path.dirname(at);
      if (parent === at) return path.join(at, ...missing.reverse());
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

const inside = (p: string, folder: string) => p === folder || p.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);

/**
 * Folders granted at start and files granted one by one (by the desktop host, from its dialogs and drag-in).
 * Everything else is refused, so with nothing granted (browser mode's default) no path is accepted at all.
 */
export class GrantedPaths implements PathPolicy {
  private readonly roots: string[];
  private readonly files = new Map<string, Set<PathUse>>();

  /**
   * @param folders granted folders: they must exist and be folders (a typo must not silently grant nothing,
   *   nor a file stand for a folder). Kept by their real path.
   * @param hint what the refusal tells the user to do instead (how this host takes files)
   */
  constructor(
    folders: readonly string[] = [],
    private readonly hint = 'Upload the file instead.',
  ) {
    this.roots = folders.map((f) => {
      let real: string;
      try {
        real = fs.realpathSync.native(path.resolve(f));
      } catch {
        throw new Error(`The folder ${f} does not exist.`);
      }
      if (!fs.statSync(real).isDirectory()) throw new Error(`${f} is not a folder.`);
      return real;
    });
  }

  /** The granted folders, by their real paths. */
  get folders(): readonly string[] {
    return this.roots;
  }

  /**
   * Grant one file the user chose (an open or save dialog, a file dropped on the window). A file to read must
   * exist and be a regular file; returns its real path, or null when it cannot be granted.
   */
  grantFile(file: string, use: PathUse): string | null {
    if (typeof file !== 'string' || file === '' || !path.isAbsolute(file) || file.includes('\0')) return null;
    let real: string;
    try {
      real = use === 'read' ? fs.realpathSync.native(file) : realPathOf(file);
      if (use === 'read' && !fs.statSync(real).isFile()) return null;
    } catch {
      return null;
    }
    const uses = this.files.get(real) ?? new Set<PathUse>();
    uses.add(use);
    this.files.set(real, uses);
    return real;
  }

  check(given: string, use: PathUse, what: string): string {
    const refuse = () => new UserError(`Refused: ${what} ${JSON.stringify(given)} is not in a folder or file you chose for this session. ${this.hint}`, 403);
    if (given.includes('\0')) throw refuse();
    let real: string;
    try {
      real = realPathOf(given);
    } catch {
      throw refuse();
    }
    if (this.roots.some((root) => inside(real, root)) || this.files.get(real)?.has(use)) return real;
    throw refuse();
  }
}

type Args = Record<string, unknown>;
/** A path argument of a call: where it is in the arguments, how it is used, and how to name it. */
type PathArg = { key: string; get(a: Args): unknown; set(a: Args, value: string): Args; use: PathUse; what: string };

const field = (key: string, use: PathUse, what = key): PathArg => ({ key, get: (a) => a[key], set: (a, v) => ({ ...a, [key]: v }), use, what });
/** An import source: only its 'path' kind names a path (an upload carries bytes). */
const source: PathArg = {
  key: 'source',
  get: (a) => {
    const s = a.source as { kind?: string; path?: unknown } | undefined;
    return s?.kind === 'path' ? s.path : undefined;
  },
  set: (a, v) => ({ ...a, source: { ...(a.source as object), path: v } }),
  use: 'read',
  what: 'the file',
};
/** A model reference is a path only when it looks like one (the registry's rule); a name is looked up. */
const isPathRef = (v: unknown): v is string => typeof v === 'string' && (v.includes('/') || v.includes('\\') || v.startsWith('.'));
const modelRef = (key: string): PathArg => ({ ...field(key, 'read', 'the model folder'), get: (a) => (isPathRef(a[key]) ? a[key] : undefined) });

/** Every argument of the contract that names a path, by call; `model` is checked on every call that has it. */
export const PATH_ARGS: Partial<Record<CallName, PathArg[]>> = {
  'collections.import': [source],
  'collections.joinValues': [source],
  'collections.export': [field('path', 'write', 'the export file')],
  'models.doctor': [field('path', 'read', 'the file')],
  'models.train': [field('data', 'read', 'the training data'), field('valid', 'read', 'the validation data'), field('out', 'write', 'the model folder'), field('runDir', 'write', 'the run folder'), modelRef('from')],
};

/** The handlers with every path argument checked (and replaced by its real path) before the handler runs. */
export function guardPaths(handlers: Handlers, policy: PathPolicy): Handlers {
  if (policy === allowAllPaths) return handlers;
  const guarded: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [CallName, (args: unknown) => Promise<unknown>][]) {
    const pathArgs = [...(PATH_ARGS[name] ?? []), modelRef('model')];
    guarded[name] = async (args: unknown) => {
      if (args === null || typeof args !== 'object') return handler(args);
      let a = args as Args;
      for (const arg of pathArgs) {
        const value = arg.get(a);
        if (typeof value === 'string') a = arg.set(a, policy.check(value, arg.use, arg.what));
      }
      return handler(a);
    };
  }
  return guarded as unknown as Handlers;
}

/** What createCore uses when a host gives no policy: plain paths for the CLI and tests, none for a UI host. */
export function defaultPathPolicy(host: 'electron' | 'browser' | 'test' | 'cli'): PathPolicy {
  return host === 'cli' || host === 'test' ? allowAllPaths : new GrantedPaths();
}
