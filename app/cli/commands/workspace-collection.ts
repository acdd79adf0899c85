// What the workspace commands (search, export, join) share: open the workspace's core and find a collection
// by name (the newest of that name) or by id.
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Collection } from '../../../main/api/contract.ts';
import { createCore } from '../../../main/handlers/core.ts';
import type { LocalCore } from '../../../main/handlers/types.ts';
import { finishResumedProperties, liveProperties } from '../resume-properties.ts';
import { printable } from '../terminal-text.ts';

export const workspaceOption = () => new Option('-w, --workspace <db>', 'workspace SQLite file').env('MOLSCAPE_WORKSPACE');
export const collectionOption = () => new Option('-c, --collection <name>', 'collection name (the newest of that name) or id');

export class CliError extends Error {}

/** Runs fn on the workspace's core and the named collection; a missing workspace or collection is a CliError. */
export async function withCollection<T>(workspace: string | undefined, name: string | undefined, fn: (core: LocalCore, c: Collection) => Promise<T>): Promise<T> {
  if (!workspace?.trim()) throw new CliError('no workspace: pass -w, --workspace <db> or set MOLSCAPE_WORKSPACE');
  if (!name?.trim()) throw new CliError('no collection: pass -c, --collection <name>');
  const path = resolve(workspace);
  // opening a missing file would create an empty workspace: say so instead
  if (!existsSync(path)) throw new CliError(`there is no workspace ${printable(workspace)}`);
  // properties an earlier run left unfinished are finished first: what the command reads or writes has them
  const core = await createCore({ workspace: path, host: 'cli', resumeProperties: true });
  try {
    await finishResumedProperties(core, await liveProperties(core));
    const all = await core.handlers['collections.list']({});
    const c = all.find((x) => x.name === name) ?? (/^\d+$/.test(name) ? all.find((x) => x.id === Number(name)) : undefined);
    // collection names come from file names: escaped for the terminal (terminal-text.ts)
    if (!c) throw new CliError(`there is no collection "${printable(name)}" in ${printable(workspace)} (it has: ${all.map((x) => `"${printable(x.name)}"`).join(', ') || 'none'})`);
    return await fn(core, c);
  } finally {
    await core.close();
  }
}
