// molscape export --workspace DB --collection NAME --format csv|sdf|smi --out FILE: write a collection
// with the core's collections.export (CSV: SMILES, name, every property; SD: 2D coordinates, data fields).
import { Command, Option } from 'commander';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { CliError, collectionOption, withCollection, workspaceOption } from './workspace-collection.ts';

interface ExportOptions {
  workspace?: string;
  collection?: string;
  format?: 'csv' | 'sdf' | 'smi';
  out: string;
}

export function exportCommand(setExit: (code: number) => void): Command {
  return new Command('export')
    .description('Write a collection of a workspace as CSV, SD file or SMILES.')
    .addOption(workspaceOption())
    .addOption(collectionOption())
    .addOption(new Option('-f, --format <format>', 'file format (default: from the extension of --out)').choices(['csv', 'sdf', 'smi']))
    .requiredOption('-o, --out <file>', 'the file to write')
    .action(async (opts: ExportOptions) => setExit(await runExport(opts)));
}

function formatOf(out: string): 'csv' | 'sdf' | 'smi' {
  const lower = out.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv)$/.test(lower)) return 'csv';
  if (/\.(sdf|sd)$/.test(lower)) return 'sdf';
  return 'smi';
}

async function runExport(opts: ExportOptions): Promise<number> {
  try {
    return await withCollection(opts.workspace, opts.collection, async (core, c) => {
      const r = await core.handlers['collections.export']({ collectionId: c.id, format: opts.format ?? formatOf(opts.out), path: opts.out });
      process.stderr.write(`Wrote ${r.count} molecules of "${c.name}" to ${r.path}\n`);
      return r.count > 0 ? EXIT_OK : EXIT_NOTHING;
    });
  } catch (err) {
    if (!(err instanceof CliError) && !(err as { status?: number }).status) throw err;
    process.stderr.write(`molscape export: ${(err as Error).message}\n`);
    return EXIT_NOTHING;
  }
}
