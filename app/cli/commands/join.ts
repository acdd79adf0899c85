// molscape join FILE --workspace DB --collection NAME: add the columns of a values CSV (e.g. activities by
// compound id) to a collection's molecules, matched by name/id (the core's collections.joinValues).
import { Command } from 'commander';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { CliError, collectionOption, withCollection, workspaceOption } from './workspace-collection.ts';

export function joinCommand(setExit: (code: number) => void): Command {
  return new Command('join')
    .description('Join a CSV/TSV of values onto a collection by name or id, as new user columns.')
    .argument('<file>', 'the values file (a name/id column and value columns)')
    .addOption(workspaceOption())
    .addOption(collectionOption())
    .action(async (file: string, opts: { workspace?: string; collection?: string }) => setExit(await runJoin(file, opts)));
}

async function runJoin(file: string, opts: { workspace?: string; collection?: string }): Promise<number> {
  try {
    return await withCollection(opts.workspace, opts.collection, async (core, c) => {
      const r = await core.handlers['collections.joinValues']({ collectionId: c.id, source: { kind: 'path', path: file } });
      process.stdout.write(`Joined ${file} onto "${c.name}": ${r.matched} rows matched, ${r.unmatched} unmatched; columns: ${r.columns.join(', ') || 'none'}\n`);
      return r.matched > 0 ? EXIT_OK : EXIT_NOTHING;
    });
  } catch (err) {
    if (!(err instanceof CliError) && !(err as { status?: number }).status) throw err;
    process.stderr.write(`molscape join: ${(err as Error).message}\n`);
    return EXIT_NOTHING;
  }
}
